// Runs a Postman collection with Newman against a base URL and writes what the caller needs to a small JSON file:
// every request with its answer's status (and Prism's sl-violations header, when the run goes through Prism), and
// every failed assertion or script error. (Newman's own JSON reporter keeps every body of the run in memory and
// fails on a run this size: "RangeError: Invalid string length".)
// Usage: node run-newman.js <collection.json> <baseUrl> <result.json> [<regex of item names to leave out>]
'use strict';
const fs = require('fs');
const newman = require('newman');

const [collectionFile, baseUrl, output, skip] = process.argv.slice(2);
const collection = JSON.parse(fs.readFileSync(collectionFile, 'utf8'));
const skipped = [];
if (skip) {
    const pattern = new RegExp(skip);
    const prune = items => items.filter(item => {
        if (item.item) {
            item.item = prune(item.item);
            return true;
        }
        if (pattern.test(item.name)) {
            skipped.push(item.name);
            return false;
        }
        return true;
    });
    collection.item = prune(collection.item);
}

const requests = [];
const failures = [];
newman.run({
    collection,
    envVar: [{ key: 'baseUrl', value: baseUrl }],
    ignoreRedirects: true,
    timeoutRequest: 30000,
    reporters: []
}).on('request', (error, args) => {
    const response = args.response;
    requests.push({
        item: (args.item && args.item.name) || '(pm.sendRequest of a script)',
        request: args.request.method + ' ' + args.request.url.toString(),
        status: response ? response.code : null,
        error: error ? String(error.message || error) : null,
        violations: response ? response.headers.get('sl-violations') || null : null,
        body: response ? response.text().slice(0, 2000) : null
    });
}).on('assertion', (error, args) => {
    if (error) {
        failures.push({ item: args.item.name, test: error.test || args.assertion, message: error.message });
    }
}).on('script', (error, args) => {
    if (error) {
        failures.push({ item: args.item.name, test: args.event.listen + ' script', message: String(error.message) });
    }
}).on('done', (error, summary) => {
    if (error) {
        failures.push({ item: '(the run)', test: 'newman', message: String(error.message || error) });
    }
    const assertions = summary ? summary.run.stats.assertions : {};
    fs.writeFileSync(output, JSON.stringify({ requests, failures, skipped, assertions }, null, 1));
    process.exit(0);
});
