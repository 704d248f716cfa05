// Two new sessions of account B for this request alone: the first sends it, the second is the one it ends by id
// (a session signed out earlier never turns the expected answer into a 401).
const signInB = then => pm.sendRequest({
    url: pm.variables.get('baseUrl') + '/api/sessions',
    method: 'POST',
    header: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: { mode: 'raw', raw: JSON.stringify({ email: pm.variables.get('signUpEmail'), password: pm.variables.get('passwordB') }) }
}, (error, response) => {
    if (error || response.code !== 201) {
        throw new Error('doomed session: sign-in failed: ' + (error || response.code + ' ' + response.text()));
    }
    then(response.json());
});
signInB(caller => {
    pm.collectionVariables.set('throwawayToken', caller.token);
    signInB(doomed => pm.collectionVariables.set('doomedSessionId', doomed.id));
});
