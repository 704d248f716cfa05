// The account's API keys: create one (name, scopes, optional expiry), see its secret once with a Copy button,
// list them, revoke one.
import {call, link} from './api.js';
import {field, h, onSubmit, show} from './dom.js';
import {attempt, outcomeBox, say} from './ui.js';
import {when} from './sessions.js';

const SCOPES = [
    ['todos:read', 'Read your todos (and their live changes)'],
    ['todos:write', 'Add, change and delete your todos'],
    ['books:write', 'Add, change and delete your books'],
    ['reviews:write', 'Post and delete your reviews'],
    ['account:read', 'Read your account'],
];

/** The "API keys" card; it loads its list itself. */
export function keysSection() {
    const box = outcomeBox();
    const listBox = outcomeBox();
    const created = h('div', {class: 'new-key', hidden: true});
    const list = h('ul', {class: 'key-list', 'aria-labelledby': 'keys-title'});
    const form = h('form', {class: 'key-form', 'aria-labelledby': 'new-key-title', onsubmit: onSubmit(async (values, form) => {
        const scopes = [...form.querySelectorAll('input[name=scopes]:checked')].map(box => box.value);
        const json = {name: values.name ?? '', scopes};
        if (values.expiresOn) {
            // the end of the chosen day, in the reader's time zone
            json.expiresAt = new Date(`${values.expiresOn}T23:59:59`).toISOString();
        }
        const key = await attempt(async () => (await call('POST', await link('keys'), {json})).data, {box, form});
        if (key) {
            form.reset();
            showSecret(key);
            await load();
        }
    })},
    h('h3', {id: 'new-key-title'}, 'New key'),
    field('key-name', 'Name', h('input', {name: 'name', required: true, maxlength: 100, autocomplete: 'off'}),
        'What uses it, so you know which to revoke: “backup script”.'),
    h('fieldset', {class: 'scopes'},
        h('legend', {}, 'What it may do'),
        SCOPES.map(([scope, text]) => h('label', {class: 'check'},
            h('input', {type: 'checkbox', name: 'scopes', value: scope, id: `key-scope-${scope.replace(':', '-')}`}),
            ` ${text} `, h('code', {}, scope)))),
    field('key-expires', 'Expires on (optional)', h('input', {name: 'expiresOn', type: 'date'}),
        'Without a date, the key works until you revoke it.'),
    h('button', {type: 'submit'}, 'Create key'),
    box);
    const section = h('section', {class: 'card keys', 'aria-labelledby': 'keys-title'},
        h('h2', {id: 'keys-title'}, 'API keys'),
        h('p', {class: 'hint'}, 'For scripts and servers: send a key as ',
            h('code', {}, 'Authorization: Bearer <key>'), '. It can do only what its scopes allow, and never '
            + 'manage keys, sessions or your password.'),
        created, list, listBox, form);
    load();
    return section;

    async function load() {
        const keys = await attempt(async () => (await call('GET', await link('keys'))).data.items, {box: listBox});
        if (keys) {
            show(list, keys.length === 0 ? h('li', {class: 'hint'}, 'No keys yet.') : keys.map(item));
        }
    }

    function item(key) {
        const expired = key.expiresAt && new Date(key.expiresAt) <= new Date();
        return h('li', {class: 'key', 'data-key': key.id},
            h('div', {},
                h('strong', {class: 'key-name'}, key.name), ' ', h('code', {}, `${key.prefix}…`),
                h('br'),
                h('span', {class: 'hint'}, key.scopes.join(', '), ' · created ', when(key.createdAt),
                    ' · ', key.lastUsedAt ? `last used ${when(key.lastUsedAt)}` : 'never used',
                    ' · ', key.expiresAt ? `${expired ? 'expired' : 'expires'} ${when(key.expiresAt)}` : 'no expiry')),
            h('button', {type: 'button', class: 'danger', 'aria-label': `Revoke ${key.name}`,
                onclick: () => revoke(key)}, 'Revoke'));
    }

    function showSecret(key) {
        const secret = h('input', {class: 'secret', id: 'new-key-secret', readonly: true, value: key.secret,
            'aria-label': `The key “${key.name}”`, spellcheck: 'false'});
        const copied = h('span', {class: 'hint', 'aria-live': 'polite'});
        show(created,
            h('p', {class: 'warning', role: 'alert'}, `Your new key “${key.name}”. Copy it now: it is shown only `
                + 'this once, and Quire keeps no copy it could show again. Keep it as secret as a password.'),
            h('div', {class: 'secret-row'}, secret,
                h('button', {type: 'button', onclick: async () => {
                    secret.select();
                    try {
                        await navigator.clipboard.writeText(key.secret);
                        copied.textContent = 'Copied.';
                    } catch {
                        copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
                    }
                }}, 'Copy'),
                h('button', {type: 'button', class: 'secondary', onclick: () => {
                    created.hidden = true;
                    created.replaceChildren();
                }}, 'Done')),
            copied);
        created.hidden = false;
        secret.focus();
        secret.select();
    }

    async function revoke(key) {
        const done = await attempt(async () => {
            await call('DELETE', key._links.self.href);
            return true;
        }, {box: listBox});
        if (done) {
            await load();
            say(listBox, `Revoked “${key.name}”: it no longer works.`);
        }
    }
}
