// Before the first request of a run: sign up account A and sign it in. Its token is the bearer token of every
// signed-in request; A is never signed out. Account B is the one POST /api/accounts creates and POST /api/sessions
// signs in; its sessions are the ones signed out. Fresh addresses each run, so runs against one server never clash.
if (!pm.collectionVariables.get('bearerToken')) {
    const base = pm.variables.get('baseUrl');
    const run = Date.now() + '-' + Math.floor(Math.random() * 1e9);
    const a = { email: 'contract-a-' + run + '@example.com', password: 'contract passphrase ' + run, displayName: 'Contract A' };
    pm.collectionVariables.set('passwordA', a.password);
    pm.collectionVariables.set('signUpEmail', 'contract-b-' + run + '@example.com');
    pm.collectionVariables.set('passwordB', 'another contract passphrase ' + run);
    // an ISBN-13 new to the catalogue (979 and nine random digits, then the check digit)
    const isbn = '979' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
    let sum = 0;
    for (let i = 0; i < 12; i++) {
        sum += Number(isbn[i]) * (i % 2 === 0 ? 1 : 3);
    }
    pm.collectionVariables.set('isbn', isbn + (10 - sum % 10) % 10);
    const post = (path, body, then) => pm.sendRequest({
        url: base + path,
        method: 'POST',
        header: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: { mode: 'raw', raw: JSON.stringify(body) }
    }, (error, response) => {
        if (error || response.code !== 201) {
            throw new Error('bootstrap: POST ' + path + ' failed: ' + (error || response.code + ' ' + response.text()));
        }
        then(response.json());
    });
    post('/api/accounts', a, account => {
        pm.collectionVariables.set('accountId', account.id);
        post('/api/sessions', { email: a.email, password: a.password },
            session => pm.collectionVariables.set('bearerToken', session.token));
    });
}

// Before each request that uses account B's throwaway session (reading it, signing it out, signing B out
// everywhere), and before each of Portman's variations of those: a new session of B for that request alone, so
// that one signed out earlier (signing out everywhere ends them all) never turns a variation's expected answer
// into a 401.
const path = pm.request.url.getPath();
if (path.endsWith('/api/sessions/me') || (path.endsWith('/api/sessions') && pm.request.method === 'DELETE')) {
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
}
