// The page's entry point: a router over the location's hash (#/todos, #/books?q=…, #/books/{id}, #/sign-in,
// #/sign-up, #/account), so that reloading, bookmarking and the back button all work, and the header that shows
// who is signed in.
import * as api from './api.js';
import * as session from './session.js';
import {h, show} from './dom.js';
import {attempt, clearNotices, flash, onSignInAgain, setBusy, showError, showFlash, showStatus} from './ui.js';
import {renderSignIn, renderSignUp, signInAgain, signInLink} from './signin.js';
import {renderTodos} from './todos.js';
import {renderBook, renderBooks} from './books.js';
import {renderAccount} from './account.js';
import {renderVerify} from './verify.js';
import {renderForgotPassword, renderReset} from './reset.js';
import {leaveView, settle} from './live.js';

const routes = [
    // a visitor's #/todos is the welcome, which is no part of the menu
    {pattern: /^#\/todos(?:\?(.*))?$/, nav: () => (session.account() ? 'todos' : null), render: (view, m) => renderTodos(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/books(?:\?(.*))?$/, nav: 'books', render: (view, m) => renderBooks(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/books\/([^/?]+)$/, nav: 'books', render: (view, m) => renderBook(view, decodeURIComponent(m[1]))},
    {pattern: /^#\/sign-in$/, nav: null, render: view => renderSignIn(view)},
    {pattern: /^#\/sign-up$/, nav: null, render: view => renderSignUp(view)},
    {pattern: /^#\/account$/, nav: 'account', render: view => renderAccount(view)},
    // the views a mail's link opens, and asking for a reset link
    {pattern: /^#\/verify(?:\?(.*))?$/, nav: null, render: (view, m) => renderVerify(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/reset(?:\?(.*))?$/, nav: null, render: (view, m) => renderReset(view, new URLSearchParams(m[1] ?? ''))},
    {pattern: /^#\/forgot-password$/, nav: null, render: view => renderForgotPassword(view)},
];
const DEFAULT_ROUTE = '#/todos';
/** The account the view on screen was drawn for (null: for a visitor). */
let drawnFor = null;

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
    const nav = typeof match.r.nav === 'function' ? match.r.nav() : match.r.nav;
    document.querySelectorAll('[data-nav]').forEach(a => {
        a.toggleAttribute('aria-current', a.dataset.nav === nav);
    });
    const main = document.getElementById('main');
    // one live stream at a time: the view that is going lets its stream go, unless the next one follows the same
    // (the todo list under another filter), which then keeps it
    leaveView();
    const view = h('div', {class: 'view'});
    show(main, view);
    drawnFor = session.account()?.accountId ?? null;
    try {
        await match.r.render(view, match.m);
    } catch (error) {
        if (error.sessionEnded && view.isConnected) {
            // the view needed the session that just ended: draw it for a visitor, and say why
            await route();
        }
        showError(error);
    }
    settle();
    if (!view.isConnected) {
        return;
    }
    showFlash(hash);
    const heading = view.querySelector('h1');
    if (heading && !main.contains(document.activeElement)) {
        heading.tabIndex = -1;
        heading.focus({preventScroll: true});
    }
}

function renderHeader(account) {
    const box = document.getElementById('account');
    if (account) {
        // on a phone the link says just "Account" (its name says both), and Sign out is on the account page
        show(box,
            h('a', {href: '#/account', class: 'who', 'data-nav': 'account', 'aria-label': `Account: signed in as ${account.displayName}`},
                h('span', {class: 'who-long'}, 'Signed in as ', h('strong', {}, account.displayName)),
                h('span', {class: 'who-short'}, 'Account')),
            h('button', {type: 'button', class: 'secondary header-sign-out', onclick: signOut}, 'Sign out'));
    } else {
        show(box, signInLink('Sign in', {class: 'button'}));
    }
    box.querySelector('[data-nav]')?.toggleAttribute('aria-current', location.hash === '#/account');
}

async function signOut() {
    const done = await attempt(async () => {
        await session.signOut();
        return true;
    });
    if (done) {
        flash('Signed out.', '#/sign-in');
        location.hash = '#/sign-in';
    }
}

async function start() {
    api.on({
        busy: setBusy,
        sessionEnded: () => session.ended(),
    });
    onSignInAgain(signInAgain);
    session.watch(renderHeader);
    window.addEventListener('hashchange', () => {
        clearNotices();
        window.scrollTo(0, 0);
        route();
    });
    renderHeader(null);
    try {
        if (await session.restore()) {
            showStatus(api.SESSION_ENDED, ' ', signInLink('Sign in'));
        }
    } catch (error) {
        showError(error);
    }
    // from here on, someone else signing in or out redraws the view for the new reader; a session that ended
    // by itself (or the same account signing in again) leaves the view as it is, with whatever was typed in it
    session.watch((account, how) => {
        if (how !== 'ended' && how !== 'renamed' && (account?.accountId ?? null) !== drawnFor) {
            route();
        }
    });
    await route();
}

start();
