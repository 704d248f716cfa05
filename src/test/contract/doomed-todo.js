// A todo of account A for this DELETE alone, so that the todo the other requests (and their variations, which run
// after every delete) use is still there.
pm.sendRequest({
    url: pm.variables.get('baseUrl') + '/api/todos',
    method: 'POST',
    header: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + pm.variables.get('bearerToken') },
    body: { mode: 'raw', raw: JSON.stringify({ title: 'To be deleted' }) }
}, (error, response) => {
    if (error || response.code !== 201) {
        throw new Error('doomed todo: POST /api/todos failed: ' + (error || response.code + ' ' + response.text()));
    }
    pm.collectionVariables.set('doomedTodoId', response.json().id);
});
