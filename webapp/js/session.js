// Who is signed in. The token lives in sessionStorage (see api.js); the account is asked for again after a
// reload, so a token that was revoked meanwhile is noticed at once.
import {call, link, setToken, token} from './api.js';

let current = null; // {accountId, displayName, email, selfHref} while signed in
let lastEnded = null; // the account whose session ended by itself, until someone signs in
const watchers = [];

export function account() {
    return current;
}

/** The account whose session ended by itself (not by signing out), if nobody has signed in since. */
export function endedAccount() {
    return lastEnded;
}

/**
 * Calls {@code watcher(account, how)} whenever who is signed in changes: how is 'signed-in', 'signed-out',
 * 'ended' (the session ended by itself), 'resumed' (the same account signed in again after that) or 'renamed'.
 */
export function watch(watcher) {
    watchers.push(watcher);
}

function changed(next, how) {
    current = next;
    watchers.forEach(watcher => watcher(current, how));
}

/** After a reload: the session the stored token names, if it still works. Resolves to whether it had ended. */
export async function restore() {
    if (!token()) {
        return false;
    }
    try {
        const {data} = await call('GET', `${await link('sessions')}/me`);
        changed(fromSession(data), 'signed-in');
        return false;
    } catch (error) {
        // a 401 has already dropped the token (api.js); anything else leaves it for the next try
        changed(null, 'signed-out');
        if (!error.sessionEnded) {
            throw error;
        }
        return true;
    }
}

export async function signUp(email, password, displayName) {
    await call('POST', await link('accounts'), {json: {email, password, displayName}, anonymous: true});
}

export async function signIn(email, password) {
    const {data} = await call('POST', await link('sessions'), {json: {email, password}, anonymous: true});
    setToken(data.token);
    const resumed = lastEnded !== null && lastEnded.accountId === data.accountId;
    lastEnded = null;
    changed(fromSession(data), resumed ? 'resumed' : 'signed-in');
}

export async function signOut() {
    const selfHref = current?.selfHref;
    try {
        if (selfHref) {
            await call('DELETE', selfHref);
        }
    } catch (error) {
        if (!error.sessionEnded) { // the session had already ended, which is what was asked for
            throw error;
        }
    } finally {
        setToken(null);
        lastEnded = null;
        changed(null, 'signed-out');
    }
}

/** Ends every session of the account, this one included (a lost phone, a shared computer). */
export async function signOutEverywhere() {
    await call('DELETE', await link('sessions'));
    setToken(null);
    lastEnded = null;
    changed(null, 'signed-out');
}

/** The token stopped working (expired, revoked, signed out elsewhere). */
export function ended() {
    if (current !== null) {
        lastEnded = current;
        changed(null, 'ended');
    }
}

/** The account's display name changed (on the account page). */
export function renamed(displayName) {
    if (current !== null) {
        changed({...current, displayName}, 'renamed');
    }
}

function fromSession(session) {
    return {
        accountId: session.accountId,
        displayName: session.account.displayName,
        email: session.account.email,
        selfHref: session._links.self.href,
    };
}
