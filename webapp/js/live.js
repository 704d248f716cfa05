// Live updates: a view follows one of Quire's change streams (Server-Sent Events) and applies what changed
// elsewhere. The stream is read with fetch, not EventSource, because EventSource cannot send headers: the todos'
// stream needs the bearer token, and a token in the URL would end up in logs and history.
//
// One stream at a time, for the view on screen: following a new one, or the router drawing another view,
// stops the last. After a drop (the network, the server ending the stream, a 503) it reconnects after the
// server's retry: hint, backing off and jittered, and resumes with Last-Event-ID from the last event it saw, so
// the view misses nothing; when it cannot resume (event: reset, or it had seen no event yet) the view reloads what
// it shows. A 401 stops it: the session has ended, and the page says so; signing in again resumes it.
import {openStream, token} from './api.js';
import * as session from './session.js';
import {showSessionEnded} from './ui.js';

/** The server sends a heartbeat every 15 s: three missed ones mean the connection is dead without saying so. */
const SILENCE_MS = 45_000;
/** How long a view waits for its stream before loading without it (it reloads once the stream is there). */
const READY_WITHIN_MS = 3_000;
/**
 * A tab hidden this long lets its stream go and resumes it when shown. Without HTTP/2 a browser opens at most six
 * connections to one server, for all its tabs together: six tabs each holding a stream would leave none for
 * anything else, so only the tabs someone looks at keep theirs.
 */
const HIDDEN_GRACE_MS = 10_000;
const DEFAULT_RETRY_MS = 3_000;
const MAX_DELAY_MS = 60_000;

let current = null;

/**
 * The view on screen is going (the router calls this before drawing the next one): its stream stops holding
 * anything for it. The next view may take the stream over, if it follows the same one (the todo list under
 * another filter): no reconnection, nothing replayed. Otherwise {@link settle} stops it.
 */
export function leaveView() {
    current?.orphan();
}

/** The new view is drawn: a stream no view took over stops. */
export function settle() {
    if (current?.orphaned) {
        current.stop();
    }
}

// a session that ended by itself pauses a signed-in stream (its next request would be refused); signing in again
// as the same account resumes it from the last event it saw, so what changed meanwhile appears
session.watch((account, how) => {
    if (how === 'ended' && current?.signedIn) {
        current.pause('session');
    } else if (how === 'resumed') {
        current?.unpause('session');
    }
});

/**
 * Follows the stream at {@code href} for {@code view}: one stream at a time, so any other stops. Resolves at once
 * to a handle: {ready: a promise, settled when the stream is connected or could not be soon; release(): the view
 * has loaded what it shows; during(work): holds events while the view's own write or reload runs; stop()}. Events
 * wait until release(); those already in what the view loaded arrive too, so handlers compare versions.
 *
 * @param options {view: the element the view draws into (the stream stops once it leaves the page), href,
 *     signedIn: true to send the bearer token, onEvent(type, data): applies one event, onResync(): reloads what the
 *     view shows, async}
 */
export function follow({view, href, signedIn, onEvent, onResync}) {
    const account = signedIn ? session.account()?.accountId ?? null : null;
    if (current?.orphaned && current.href === href && current.signedIn === signedIn && current.account === account
            && !current.paused.has('session')) {
        current.adopt(view, onEvent, onResync);
    } else {
        current?.stop();
        current = new LiveStream(view, href, signedIn, account, onEvent, onResync);
        current.start();
    }
    return current.handle();
}

class LiveStream {
    constructor(view, href, signedIn, account, onEvent, onResync) {
        Object.assign(this, {view, href, signedIn, account, onEvent, onResync});
        this.lastId = null;
        this.retryMs = DEFAULT_RETRY_MS;
        this.failures = 0;
        /** Which view's holds count: a view that took the stream over is not released by the last one's. */
        this.generation = 0;
        this.held = 1;
        this.orphaned = false;
        this.queue = [];
        this.controller = null;
        this.timer = null;
        this.silence = null;
        this.hiddenTimer = null;
        this.paused = new Set(); // why it is paused: 'hidden', 'session'
        this.stopped = false;
        this.readyDone = false;
        this.ready = new Promise(resolve => { this.resolveReady = resolve; });
        this.listeners = {
            visibilitychange: () => this.visibilityChanged(),
            online: () => this.online(),
            offline: () => this.offline(),
        };
    }

    start() {
        document.addEventListener('visibilitychange', this.listeners.visibilitychange);
        window.addEventListener('online', this.listeners.online);
        window.addEventListener('offline', this.listeners.offline);
        setTimeout(() => this.markReady(), READY_WITHIN_MS);
        if (document.hidden) {
            // a tab opened in the background connects when someone looks at it
            this.paused.add('hidden');
            this.markReady();
        } else {
            this.connect();
        }
    }

    /** What the view that follows the stream now may do with it. */
    handle() {
        const generation = this.generation;
        const mine = () => generation === this.generation && !this.stopped;
        return {
            ready: this.ready,
            release: () => {
                if (mine()) {
                    this.release();
                }
            },
            during: async work => {
                if (!mine()) {
                    return work();
                }
                this.held += 1;
                try {
                    return await work();
                } finally {
                    if (mine()) {
                        this.release();
                    }
                }
            },
            stop: () => {
                if (mine()) {
                    this.stop();
                }
            },
        };
    }

    orphan() {
        this.orphaned = true;
        this.generation += 1;
        this.held = 1;
        this.queue = [];
    }

    /** A new view takes the stream over: it loads what it shows after this, so nothing queued is its news. */
    adopt(view, onEvent, onResync) {
        Object.assign(this, {view, onEvent, onResync});
        this.orphaned = false;
        this.generation += 1;
        this.held = 1;
        this.queue = [];
    }

    release() {
        this.held = Math.max(0, this.held - 1);
        this.drain();
    }

    stop() {
        this.stopped = true;
        this.disconnect();
        clearTimeout(this.timer);
        clearTimeout(this.hiddenTimer);
        this.queue = [];
        document.removeEventListener('visibilitychange', this.listeners.visibilitychange);
        window.removeEventListener('online', this.listeners.online);
        window.removeEventListener('offline', this.listeners.offline);
        this.markReady();
        if (current === this) {
            current = null;
        }
    }

    pause(why) {
        this.paused.add(why);
        this.disconnect();
        clearTimeout(this.timer);
    }

    unpause(why) {
        if (this.paused.delete(why) && this.paused.size === 0 && !this.stopped) {
            this.connect();
        }
    }

    markReady() {
        if (!this.readyDone) {
            this.readyDone = true;
            this.resolveReady();
        }
    }

    async connect() {
        clearTimeout(this.timer);
        if (this.stopped || this.paused.size > 0 || this.controller !== null) {
            return;
        }
        if (!this.view.isConnected) {
            this.stop();
            return;
        }
        if (this.signedIn && !token()) {
            this.pause('session');
            return;
        }
        const controller = new AbortController();
        this.controller = controller;
        let response;
        try {
            response = await openStream(this.href, {signal: controller.signal, lastEventId: this.lastId, signedIn: this.signedIn});
        } catch (error) {
            // a 401 has told the whole page the session ended, which paused this stream already (session.watch)
            if (controller === this.controller || (error.sessionEnded && !this.stopped)) {
                this.controller = null;
                this.refused(error);
            }
            return;
        }
        if (controller !== this.controller) {
            return; // stopped or paused while the answer came
        }
        await this.read(response, controller);
    }

    async read(response, controller) {
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        const parser = new EventParser({
            event: event => this.received(event),
            retry: ms => { this.retryMs = ms; },
        }, this.lastId);
        let opened = false;
        this.watchSilence(controller);
        try {
            for (;;) {
                const {value, done} = await reader.read();
                if (controller !== this.controller) {
                    return;
                }
                if (done) {
                    break;
                }
                this.watchSilence(controller);
                if (!opened) {
                    opened = true;
                    this.opened();
                }
                parser.push(decoder.decode(value, {stream: true}));
                this.lastId = parser.lastId;
            }
        } catch {
            if (controller !== this.controller) {
                return; // aborted on purpose
            }
        }
        // the server ended the stream, or the connection broke: resume after the retry hint
        this.controller = null;
        clearTimeout(this.silence);
        this.reconnectLater();
    }

    /** The stream is up: the server subscribed it before writing its first bytes. */
    opened() {
        this.failures = 0;
        if (this.lastId === null && this.readyDone) {
            // the view loaded before this connection, and there is no event to resume after: what changed in
            // between is not in the stream, so the view reloads
            this.queue.push({type: 'resync'});
            this.drain();
        }
        this.markReady();
    }

    received(event) {
        this.queue.push(event);
        this.drain();
    }

    drain() {
        while (this.held === 0 && this.queue.length > 0 && !this.stopped) {
            if (!this.view.isConnected) {
                this.stop();
                return;
            }
            const event = this.queue.shift();
            if (event.type === 'reset' || event.type === 'resync') {
                // events after the reset wait for the reload; those already in it change nothing (versions)
                this.held += 1;
                const generation = this.generation;
                const resync = this.onResync;
                Promise.resolve().then(() => resync()).then(() => true, () => false).then(reloaded => {
                    if (generation !== this.generation || this.stopped) {
                        return; // another view has the stream now
                    }
                    if (!reloaded) {
                        // the reload failed (the network, most likely): reconnect without resuming, which reloads
                        // again; what was queued is in that reload
                        this.queue = [];
                        this.lastId = null;
                        this.disconnect();
                        this.reconnectLater();
                    }
                    this.release();
                });
                return;
            }
            let data;
            try {
                data = JSON.parse(event.data);
            } catch {
                this.queue.unshift({type: 'resync'});
                continue;
            }
            this.onEvent(event.type, data);
        }
    }

    /** The stream was refused, or could not be opened. */
    refused(error) {
        this.markReady();
        if (error.sessionEnded) {
            // the session ended elsewhere (signed out everywhere, expired): the page says so once, and signing in
            // again resumes this stream
            this.pause('session');
            showSessionEnded();
        } else if (error.status === 0 || error.status === 429 || error.status >= 500) {
            this.reconnectLater(error.retryAfter);
        } else {
            this.stop(); // a request the server will never take (400, 403, 404, 406): trying again cannot help
        }
    }

    /** Reconnects after the retry hint, doubled for each failure in a row (at most a minute), plus up to half again. */
    reconnectLater(retryAfterMs = 0) {
        if (this.stopped || this.paused.size > 0) {
            return;
        }
        const backoff = Math.min(MAX_DELAY_MS, this.retryMs * 2 ** this.failures);
        this.failures += 1;
        const delay = Math.max(backoff, retryAfterMs) * (1 + Math.random() / 2);
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.connect(), delay);
    }

    disconnect() {
        const controller = this.controller;
        this.controller = null;
        clearTimeout(this.silence);
        controller?.abort();
    }

    watchSilence(controller) {
        clearTimeout(this.silence);
        this.silence = setTimeout(() => {
            if (controller === this.controller) {
                this.disconnect();
                this.reconnectLater();
            }
        }, SILENCE_MS);
    }

    visibilityChanged() {
        clearTimeout(this.hiddenTimer);
        if (document.hidden) {
            this.hiddenTimer = setTimeout(() => this.pause('hidden'), HIDDEN_GRACE_MS);
        } else {
            this.unpause('hidden');
        }
    }

    /** The browser has a network again: a reconnection waiting out its delay goes now. */
    online() {
        if (this.controller === null && !this.stopped && this.paused.size === 0) {
            this.connect();
        }
    }

    /** The browser lost its network: the stream is dead even if the connection has not noticed yet. */
    offline() {
        if (this.controller !== null) {
            this.disconnect();
            this.reconnectLater();
        }
    }
}

/**
 * Reads Server-Sent Events as the HTML standard defines them (§9.2.6): lines end with CRLF, LF or CR; a blank line
 * dispatches the event gathered so far; "field: value" (one space after the colon dropped); a line starting
 * with a colon is a comment (the heartbeats); retry: sets the reconnection delay. {@code lastId} is the id of
 * the last event dispatched, which is what a client resumes after: an id line whose block never ended (the
 * connection broke) does not count.
 */
export class EventParser {
    constructor({event, comment = () => {}, retry = () => {}}, lastId = null) {
        this.handlers = {event, comment, retry};
        this.lastId = lastId;
        this.idBuffer = lastId;
        this.rest = '';
        this.data = [];
        this.type = '';
    }

    /** Takes the next piece of text, which may end anywhere: in a line, or between a CR and its LF. */
    push(text) {
        let all = this.rest + text;
        let carriageReturn = '';
        if (all.endsWith('\r')) {
            carriageReturn = '\r'; // maybe the first half of a CRLF: wait for what follows
            all = all.slice(0, -1);
        }
        const lines = all.split(/\r\n|\r|\n/);
        this.rest = lines.pop() + carriageReturn;
        for (const line of lines) {
            this.line(line);
        }
    }

    line(line) {
        if (line === '') {
            this.dispatch();
            return;
        }
        if (line.startsWith(':')) {
            this.handlers.comment(line.slice(1).trim());
            return;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) {
            value = value.slice(1);
        }
        if (field === 'event') {
            this.type = value;
        } else if (field === 'data') {
            this.data.push(value);
        } else if (field === 'id') {
            if (!value.includes('\0')) {
                this.idBuffer = value;
            }
        } else if (field === 'retry') {
            if (/^[0-9]+$/.test(value)) {
                this.handlers.retry(Number(value));
            }
        }
    }

    dispatch() {
        this.lastId = this.idBuffer;
        const type = this.type || 'message';
        const data = this.data.join('\n');
        const empty = this.data.length === 0;
        this.data = [];
        this.type = '';
        if (!empty) {
            this.handlers.event({type, data, id: this.lastId});
        }
    }
}
