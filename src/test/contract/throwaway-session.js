// A new session of account B for this request alone, so that signing it out (or a variation of doing so, should it
// go through) ends no session another request needs.
pm.sendRequest({
    url: pm.variables.get('baseUrl') + '/api/sessions',
    method: 'POST',
    header: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: { mode: 'raw', raw: JSON.stringify({ email: pm.variables.get('signUpEmail'), password: pm.variables.get('passwordB') }) }
}, (error, response) => {
    if (error || response.code !== 201) {
        throw new Error('throwaway session: sign-in failed: ' + (error || response.code + ' ' + response.text()));
    }
    pm.collectionVariables.set('throwawayToken', response.json().token);
});
