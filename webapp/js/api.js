// The one way this page talks to Quire: the public JSON API, found by following links from its entry point
// (GET api, relative to the page, so the page works under any context path). Errors arrive as RFC 9457
// problems and are thrown as ApiError, whose message is the problem's detail, ready to show.

const TOKEN_KEY = 'quire.token';
/** Requests that take longer than this show the busy indicator; quicker ones would only make it flicker. */
const BUSY_AFTER_MS = 250;

export class ApiError extends Error {
    constructor(status, problem) {
        super(problem.detail || problem.title || `The request failed (${status}).`);
        this.status = status;
        this.problem = problem;
    }

    /** The problem's per-field messages (400 and 422 name each bad field or parameter). */
    get fieldErrors() {
        return Array.isArray(this.problem.errors) ? this.problem.errors : [];
    }

    /** Whether the request failed because the session it was sent with (or that this page had) has ended. */
    get sessionEnded() {
        return this.problem.sessionEnded === true;
    }
}

/** What the page says when a session ends by itself: signed out on another device, expired, password changed. */
export const SESSION_ENDED = 'Your session has ended; sign in again.';

const UNREACHABLE = 'Quire could not be reached. Check the connection and try again.';

const listeners = {busy: () => {}, sessionEnded: () => {}};
let pending = 0;
let busyTimer = null;
let entryPoint = null;
/** Set when a token stopped working, until the next sign-in: a later 401 is the same ended session. */
let ended = false;

/** {busy(isBusy), sessionEnded()}: called when requests start to take a while, and when a token stops working. */
export function on(handlers) {
    Object.assign(listeners, handlers);
}

// sessionStorage: the token survives a reload of this tab but not the closing of it, and no other tab sees it
export function token() {
    return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
    ended = false;
    if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
    } else {
        sessionStorage.removeItem(TOKEN_KEY);
    }
}

/** The entry point's links ({todos: {href}, books: …}), fetched once. */
export async function links() {
    entryPoint ??= call('GET', new URL('api', document.baseURI).href).catch(error => {
        entryPoint = null;
        throw error;
    });
    return (await entryPoint).data._links;
}

/** The href of one of the entry point's relations. */
export async function link(rel) {
    return (await links())[rel].href;
}

/**
 * Sends a request and resolves to {status, data, etag, headers}. Rejects with ApiError for any answer that is
 * not 2xx or 304, and for a network failure.
 * @param options {json: body to send, contentType: its media type, ifMatch: a version number, headers: extra,
 *     anonymous: true to send no token (signing up or in, where a 401 means a wrong password, not an ended session),
 *     signal: an AbortSignal; a request aborted through it rejects with the AbortError, not an ApiError}
 */
export async function call(method, href, options = {}) {
    const headers = {'Accept': 'application/json', ...options.headers};
    const bearer = options.anonymous ? null : token();
    if (bearer) {
        headers['Authorization'] = `Bearer ${bearer}`;
    }
    if (options.ifMatch !== undefined) {
        headers['If-Match'] = `"${options.ifMatch}"`;
    }
    let body;
    if (options.json !== undefined) {
        headers['Content-Type'] = options.contentType || 'application/json';
        body = JSON.stringify(options.json);
    }
    started();
    try {
        let response;
        try {
            response = await fetch(href, {method, headers, body, cache: 'no-cache', signal: options.signal});
        } catch (cause) {
            if (options.signal?.aborted) {
                throw cause;
            }
            throw new ApiError(0, {detail: UNREACHABLE});
        }
        const data = await readBody(response);
        if (options.signal?.aborted) {
            throw new DOMException('The request was aborted.', 'AbortError');
        }
        if (!response.ok && response.status !== 304) {
            const problem = isObject(data) ? data : {};
            if (response.status === 401 && !options.anonymous && (bearer || ended)) {
                throw sessionEndedError(bearer, problem);
            }
            throw new ApiError(response.status, problem);
        }
        return {status: response.status, data, etag: response.headers.get('ETag'), headers: response.headers};
    } finally {
        finished();
    }
}

/**
 * The error for a 401 to a request sent with {@code bearer}: the session ended by itself. The API's words are for
 * programs ("send Authorization: Bearer"); a person is told what happened. The token is dropped and the page told,
 * unless another sign-in replaced it while the request was on its way.
 */
function sessionEndedError(bearer, problem) {
    if (bearer && token() === bearer) {
        setToken(null);
        ended = true;
        listeners.sessionEnded();
    }
    return new ApiError(401, {...problem, detail: SESSION_ENDED, sessionEnded: true});
}

/**
 * Opens a change stream (text/event-stream) and resolves to the response once its head has arrived, for
 * live.js to read. It is not counted as busy (it stays open). Rejects with ApiError: a 401 to a signed-in stream
 * is the session's end, as for any request; a 429 or 503 carries {@code retryAfter} in milliseconds; a network
 * failure has status 0. An abort through {@code signal} rejects with the AbortError.
 * @param options {signal, lastEventId: the id of the last event seen, to resume after it, signedIn: true to send
 *     the token}
 */
export async function openStream(href, {signal, lastEventId, signedIn}) {
    const headers = {'Accept': 'text/event-stream'};
    const bearer = signedIn ? token() : null;
    if (bearer) {
        headers['Authorization'] = `Bearer ${bearer}`;
    }
    if (lastEventId !== null && lastEventId !== undefined) {
        headers['Last-Event-ID'] = lastEventId;
    }
    let response;
    try {
        response = await fetch(href, {headers, signal, cache: 'no-store'});
    } catch (cause) {
        if (signal.aborted) {
            throw cause;
        }
        throw new ApiError(0, {detail: UNREACHABLE});
    }
    if (response.ok) {
        return response;
    }
    const data = await readBody(response);
    const problem = isObject(data) ? data : {};
    if (response.status === 401 && bearer) {
        throw sessionEndedError(bearer, problem);
    }
    const error = new ApiError(response.status, problem);
    error.retryAfter = retryAfterMs(response.headers.get('Retry-After'));
    throw error;
}

/** Retry-After in milliseconds: seconds, or an HTTP date; 0 when absent or unreadable. */
function retryAfterMs(value) {
    if (!value) {
        return 0;
    }
    if (/^[0-9]+$/.test(value.trim())) {
        return Number(value.trim()) * 1000;
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

async function readBody(response) {
    const type = response.headers.get('Content-Type') || '';
    if (response.status === 204 || response.status === 304 || !/json/.test(type)) {
        return null;
    }
    try {
        return await response.json();
    } catch {
        return null;
    }
}

function isObject(value) {
    return value !== null && typeof value === 'object';
}

function started() {
    pending += 1;
    if (pending === 1) {
        busyTimer = setTimeout(() => listeners.busy(true), BUSY_AFTER_MS);
    }
}

function finished() {
    pending -= 1;
    if (pending === 0) {
        clearTimeout(busyTimer);
        listeners.busy(false);
    }
}

/** An href with query parameters added; empty values are left out. */
export function withQuery(href, parameters) {
    const url = new URL(href, document.baseURI);
    for (const [name, value] of Object.entries(parameters)) {
        if (value !== undefined && value !== null && value !== '') {
            url.searchParams.set(name, value);
        }
    }
    return url.pathname + url.search;
}
