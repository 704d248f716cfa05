// A book of account A, with A's review of it, for this DELETE alone, so that the book and review the other requests
// (and their variations, which run after every delete) use are still there.
const post = (path, body, then) => pm.sendRequest({
    url: pm.variables.get('baseUrl') + path,
    method: 'POST',
    header: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: 'Bearer ' + pm.variables.get('bearerToken') },
    body: { mode: 'raw', raw: JSON.stringify(body) }
}, (error, response) => {
    if (error || response.code !== 201) {
        throw new Error('doomed book: POST ' + path + ' failed: ' + (error || response.code + ' ' + response.text()));
    }
    then(response.json());
});
post('/api/books', { title: 'To be deleted', author: 'Tess Ter' }, book => {
    pm.collectionVariables.set('doomedBookId', book.id);
    post('/api/books/' + book.id + '/reviews', { rating: 3 }, review => pm.collectionVariables.set('doomedReviewId', review.id));
});
