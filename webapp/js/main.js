// The page's entry point: a router over the location's hash (#/todos, #/books?q=…, #/books/{id}, #/sign-in),
// so that reloading, bookmarking and the back button all work, and the header that shows who is signed in.
import * as api from './api.js';
import * as session from './session.js';
import {h, show} from './dom.js';
import {attempt, clearNotices, setBusy, showError} from './ui.js';
import {renderSignIn} from './signin.js';
import {renderTodos} from './todos.js';
import {renderBook, renderBooks} from './books.js';

const routes = [
    {pattern: /^#\/todos(?:\?(.*))?$/, nav: 'todos', render: (view, m) => renderTodos(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/books(?:\?(.*))?$/, nav: 'books', render: (view, m) => renderBooks(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/books\/([^/?]+)$/, nav: 'books', render: (view, m) => renderBook(view, decodeURIComponent(m[1]))},
    {pattern: /^#\/sign-in$/, nav: null, render: view => renderSignIn(view)},
];
const DEFAULT_ROUTE = '#/todos';

/**
 * Shows the view the hash names. Each view draws into a fresh element: a slow view that finishes after the
 * person has moved on draws into an element no longer on the page, instead of over the newer view.
 */
async function route() {
    const hash = location.hash || DEFAULT_ROUTE;
    const match = routes.map(r => ({r, m: hash.match(r.pattern)})).find(found => found.m);
    if (!match) {
        location.replace(DEFAULT_ROUTE);
        return;
    }
    document.querySelectorAll('[data-nav]').forEach(a => {
        a.toggleAttribute('aria-current', a.dataset.nav === match.r.nav);
    });
    const main = document.getElementById('main');
    const view = h('div', {class: 'view'});
    show(main, view);
    try {
        await match.r.render(view, match.m);
    } catch (error) {
        showError(error);
    }
    const heading = view.querySelector('h1');
    if (heading && main.contains(heading) && !main.contains(document.activeElement)) {
        heading.tabIndex = -1;
        heading.focus({preventScroll: true});
    }
}

function renderAccount(account) {
    const box = document.getElementById('account');
    if (account) {
        show(box,
            h('span', {class: 'who'}, 'Signed in as ', h('strong', {}, account.displayName)),
            h('button', {type: 'button', class: 'secondary', onclick: signOut}, 'Sign out'));
    } else {
        show(box, h('a', {href: '#/sign-in', class: 'button'}, 'Sign in'));
    }
}

async function signOut() {
    const done = await attempt(async () => {
        await session.signOut();
        return true;
    });
    if (done) {
        location.hash = '#/sign-in';
    }
}

async function start() {
    api.on({
        busy: setBusy,
        sessionEnded: () => session.ended(),
    });
    session.watch(renderAccount);
    window.addEventListener('hashchange', () => {
        clearNotices();
        route();
    });
    renderAccount(null);
    try {
        await session.restore();
    } catch (error) {
        showError(error);
    }
    // from here on, signing in or out (or a session ending) redraws the view for the new reader
    session.watch(() => route());
    await route();
}

start();
