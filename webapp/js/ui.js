// What the page says to the person using it: errors in words (never swallowed), short confirmations, and a
// busy indicator while a request takes its time. The outcome of an action is said where the person is looking:
// in the outcome box next to the form or control that caused it (a live region, scrolled into view), and an
// error about one field under that field, named by its label. The notices at the top are for what no action
// of the person's caused (a view that failed to load) and for the message a new view opens with.
import {ApiError, SESSION_ENDED} from './api.js';
import {h, show} from './dom.js';

const errorBox = () => document.getElementById('error');
const statusBox = () => document.getElementById('status');
let signInAgain = () => { location.hash = '#/sign-in'; };
let flashed = null;

/** How "Sign in again" lets the person sign in without leaving the view (and what they typed in it). */
export function onSignInAgain(handler) {
    signInAgain = handler;
}

/** Shows an error at the top: a sentence, an API problem's detail and each field it names, or another error. */
export function showError(error) {
    const box = errorBox();
    show(box, describe(error, new Map()), h('button', {type: 'button', class: 'link dismiss', onclick: clearNotices}, 'Dismiss'));
    box.hidden = false;
    if (error instanceof Error && !(error instanceof ApiError)) {
        console.error(error);
    }
}

export function showStatus(...content) {
    show(statusBox(), ...content);
    statusBox().hidden = false;
}

/**
 * Says at the top that the session has ended, with a way to sign in again in place: for an ending that no action
 * of the person's revealed (the todos' live updates found it).
 */
export function showSessionEnded() {
    showStatus(describe(new ApiError(401, {detail: SESSION_ENDED, sessionEnded: true}), new Map()));
}

/** A message for the view at {@code hash}, shown at its top once it is drawn (the person is looking there). */
export function flash(text, hash) {
    flashed = {text, hash};
}

/** Shows the message flashed for the view at {@code hash}, if there is one; the router calls this. */
export function showFlash(hash) {
    if (flashed !== null && flashed.hash === hash) {
        showStatus(flashed.text);
        flashed = null;
    }
}

export function clearNotices() {
    for (const box of [errorBox(), statusBox()]) {
        box.hidden = true;
        box.replaceChildren();
    }
}

/**
 * The place next to a form or a group of controls where their outcome is said. It is a live region on the page
 * from the start (a region added together with its text is often not read out); an error inside it is an
 * alert, a confirmation is read politely.
 */
export function outcomeBox() {
    return h('div', {class: 'outcome', 'aria-live': 'polite'});
}

/**
 * Where a view says what changed elsewhere (live updates), politely: read out when the reader is free, never
 * taking focus. On the page from the start, like an outcome box.
 */
export function liveNote() {
    return h('p', {class: 'live-note', role: 'status', 'aria-live': 'polite'});
}

/** Says that something worked, next to what caused it. */
export function say(box, text) {
    show(box, h('p', {class: 'outcome-ok'}, text));
    reveal(box);
}

/** Empties an outcome box and the field errors of a form. */
export function clearOutcome({box, form} = {}) {
    box?.replaceChildren();
    if (form) {
        for (const control of form.querySelectorAll('[aria-invalid]')) {
            control.removeAttribute('aria-invalid');
            describedBy(control, `${control.id}-error`, false);
            const message = document.getElementById(`${control.id}-error`);
            if (message) {
                message.hidden = true;
                message.replaceChildren();
            }
        }
    }
}

/**
 * Says what went wrong with an action, next to it. Each field error the problem names goes under the field of
 * {@code form} that has that name, in the words of its label ("Year from", not year_min), and focus moves to
 * the first such field; the box says the rest once: what belongs to no field, or how many fields need a look
 * when more than one does ({@code labels} names the fields of controls outside a form). Without a box, the
 * error goes to the top of the page.
 */
export function sayError({box, form, labels: known = {}} = {}, error) {
    if (!box) {
        showError(error);
        return;
    }
    const labels = new Map([...Object.entries(known), ...(form ? labelsOf(form) : [])]);
    const placed = [];
    let rest = error;
    if (form && error instanceof ApiError && error.fieldErrors.length > 0) {
        const others = [];
        for (const item of error.fieldErrors) {
            const control = form.elements.namedItem(item.field);
            const message = control instanceof Element ? document.getElementById(`${control.id}-error`) : null;
            if (message && !placed.includes(control)) {
                show(message, `${labels.get(item.field) ?? item.field} ${inWords(item.message, labels)}`);
                message.hidden = false;
                control.setAttribute('aria-invalid', 'true');
                describedBy(control, message.id, true);
                placed.push(control);
            } else if (message) {
                message.append(`; ${inWords(item.message, labels)}`);
            } else {
                others.push(item);
            }
        }
        rest = others.length > 0 ? new ApiError(error.status, {...error.problem, errors: others}) : null;
    }
    if (rest !== null) {
        show(box, h('div', {class: 'outcome-error', role: 'alert'}, describe(rest, labels)));
    } else if (placed.length > 1) {
        show(box, h('p', {class: 'outcome-error', role: 'alert'},
            `${placed.length} fields need a look: ${placed.map(control => control.dataset.label).join(', ')}.`));
    }
    if (placed.length > 0) {
        placed.forEach(unfold);
        placed[0].focus({preventScroll: true});
        placed[0].scrollIntoView({block: 'center'});
    } else {
        reveal(box);
    }
    if (error instanceof Error && !(error instanceof ApiError)) {
        console.error(error);
    }
}

/**
 * Runs an action started by the person (a click, a submitted form): clears old messages first and says the
 * error next to the action if it fails ({@code place}: {box, form, labels}; without one, at the top). Resolves to the
 * action's result, or undefined after a failure.
 */
export async function attempt(action, place = {}) {
    clearNotices();
    clearOutcome(place);
    try {
        return await action();
    } catch (error) {
        sayError(place, error);
        return undefined;
    }
}

export function setBusy(busy) {
    document.getElementById('busy').hidden = !busy;
    document.getElementById('main').setAttribute('aria-busy', String(busy));
}

/** An error in words: the session's end with a way back in, the fields a problem names, or a message. */
function describe(error, labels) {
    if (error instanceof ApiError && error.sessionEnded) {
        return [h('p', {}, error.message),
            h('button', {type: 'button', class: 'secondary small', onclick: event => signInAgain(event.currentTarget)}, 'Sign in again')];
    }
    if (typeof error === 'string') {
        return h('p', {}, error);
    }
    if (!(error instanceof ApiError)) {
        return h('p', {}, `Something went wrong: ${error.message}`);
    }
    const fields = error.fieldErrors.map(item => `${labels.get(item.field) ?? item.field} ${inWords(item.message, labels)}`);
    // a problem about one field is said once: its detail repeats the field's message
    return fields.length === 1 ? h('p', {}, fields[0])
        : [h('p', {}, error.message), fields.length > 0 && h('ul', {}, fields.map(text => h('li', {}, text)))];
}

/** The API's field names (name → label) of a form's labelled controls. */
function labelsOf(form) {
    const labels = new Map();
    for (const control of form.elements) {
        if (control.name && control.dataset.label) {
            labels.set(control.name, control.dataset.label);
        }
    }
    return labels;
}

/**
 * A message that mentions a field by its API name ("must not be greater than year_max") uses its label. Only
 * names no sentence would use (year_max, newPassword) are replaced: "password" in "a common password" stays.
 */
function inWords(message, labels) {
    let text = String(message);
    for (const [name, label] of labels) {
        if (!/[_A-Z]/.test(name)) {
            continue;
        }
        text = text.replace(new RegExp(`\\b${name}\\b`, 'g'), label);
    }
    return text;
}

function describedBy(control, id, present) {
    const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(value => value && value !== id);
    if (present) {
        ids.unshift(id);
    }
    if (ids.length > 0) {
        control.setAttribute('aria-describedby', ids.join(' '));
    } else {
        control.removeAttribute('aria-describedby');
    }
}

/** Opens a folded part of a form (the books' filters on a phone) that hides a control with an error. */
function unfold(control) {
    const fold = control.closest('[data-fold]');
    if (fold && !fold.classList.contains('open')) {
        document.querySelector(`[aria-controls="${fold.id}"]`)?.click();
    }
}

function reveal(box) {
    if (box.isConnected && box.childElementCount > 0) {
        box.scrollIntoView({block: 'nearest'});
    }
}
