// What the page says to the person using it: errors in words (never swallowed), short confirmations, and a
// busy indicator while a request takes its time.
import {ApiError} from './api.js';
import {h, show} from './dom.js';

const errorBox = () => document.getElementById('error');
const statusBox = () => document.getElementById('status');

/** Shows an error: a sentence, an API problem's detail and each field it names, or another error's message. */
export function showError(error) {
    const box = errorBox();
    const fields = error instanceof ApiError ? error.fieldErrors : [];
    const message = typeof error === 'string' ? error
        : error instanceof ApiError ? error.message
        : `Something went wrong: ${error.message}`;
    show(box,
        h('p', {}, message),
        fields.length > 0 && h('ul', {}, fields.map(item => h('li', {}, `${item.field}: ${item.message}`))),
        h('button', {type: 'button', class: 'link dismiss', onclick: clearNotices}, 'Dismiss'));
    box.hidden = false;
    if (error instanceof Error && !(error instanceof ApiError)) {
        console.error(error);
    }
}

export function showStatus(text) {
    show(statusBox(), text);
    statusBox().hidden = false;
}

export function clearNotices() {
    for (const box of [errorBox(), statusBox()]) {
        box.hidden = true;
        box.replaceChildren();
    }
}

/**
 * Runs an action started by the person (a click, a submitted form): clears old notices first and shows the
 * error if the action fails. Resolves to the action's result, or undefined after a failure.
 */
export async function attempt(action) {
    clearNotices();
    try {
        return await action();
    } catch (error) {
        showError(error);
        return undefined;
    }
}

export function setBusy(busy) {
    document.getElementById('busy').hidden = !busy;
    document.getElementById('main').setAttribute('aria-busy', String(busy));
}
