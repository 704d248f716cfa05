// Who is signed in. The token lives in sessionStorage (see api.js); the account is asked for again after a
// reload, so a token that was revoked meanwhile is noticed at once.
import {call, link, setToken, token} from './api.js';

let current = null; // {accountId, displayName, email, selfHref} while signed in
const watchers = [];

export function account() {
    return current;
}

/** Calls {@code watcher} whenever someone signs in or out (or the session ends by itself). */
export function watch(watcher) {
    watchers.push(watcher);
}

function changed(next) {
    current = next;
    watchers.forEach(watcher => watcher(current));
}

/** After a reload: the session the stored token names, if it still works. */
export async function restore() {
    if (!token()) {
        return;
    }
    try {
        const {data} = await call('GET', `${await link('sessions')}/me`);
        changed(fromSession(data));
    } catch (error) {
        // a 401 has already dropped the token (api.js); anything else leaves it for the next try
        changed(null);
        if (error.status !== 401) {
            throw error;
        }
    }
}

export async function signUp(email, password, displayName) {
    await call('POST', await link('accounts'), {json: {email, password, displayName}});
}

export async function signIn(email, password) {
    const {data} = await call('POST', await link('sessions'), {json: {email, password}});
    setToken(data.token);
    changed(fromSession(data));
}

export async function signOut() {
    const selfHref = current?.selfHref;
    try {
        if (selfHref) {
            await call('DELETE', selfHref);
        }
    } catch (error) {
        if (error.status !== 401) { // 401: the session had already ended, which is what was asked for
            throw error;
        }
    } finally {
        setToken(null);
        changed(null);
    }
}

/** The token stopped working (expired, revoked, signed out elsewhere). */
export function ended() {
    changed(null);
}

function fromSession(session) {
    return {
        accountId: session.accountId,
        displayName: session.account.displayName,
        email: session.account.email,
        selfHref: session._links.self.href,
    };
}
