// An API key of account A for this revoke alone, so that the key the other requests use is still there.
pm.sendRequest({
    url: pm.variables.get('baseUrl') + '/api/keys',
    method: 'POST',
    header: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + pm.variables.get('bearerToken') },
    body: { mode: 'raw', raw: JSON.stringify({ name: 'To be revoked', scopes: ['todos:read'] }) }
}, (error, response) => {
    if (error || response.code !== 201) {
        throw new Error('doomed key: POST /api/keys failed: ' + (error || response.code + ' ' + response.text()));
    }
    pm.collectionVariables.set('doomedKeyId', response.json().id);
});
