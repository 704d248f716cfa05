// Signing in and signing up (which signs the new account in), and signing in again in place when a session
// ended by itself. Afterwards the person goes back to the view that sent them here.
import * as session from './session.js';
import {field, h, onSubmit} from './dom.js';
import {attempt, clearNotices, flash, outcomeBox, say} from './ui.js';

const RETURN_KEY = 'quire.returnTo';
const NEW_PASSWORD_HINT = '8 to 128 characters; not a common password, not your email.';

/** A link to the sign-in view that comes back to the current view afterwards. */
export function signInLink(text, attributes = {}) {
    return h('a', {href: '#/sign-in', onclick: rememberWhereFrom, ...attributes}, text);
}

/** A link to the sign-up view that comes back to the current view afterwards. */
export function signUpLink(text, attributes = {}) {
    return h('a', {href: '#/sign-up', onclick: rememberWhereFrom, ...attributes}, text);
}

function rememberWhereFrom() {
    if (!/^#\/sign-(in|up)$/.test(location.hash)) {
        sessionStorage.setItem(RETURN_KEY, location.hash);
    }
}

/** Goes back to the view that sent the person to sign in (or to their todos), opening with {@code message}. */
function goBack(message) {
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    const target = back && !/^#\/sign-(in|up)$/.test(back) ? back : '#/todos';
    if (message) {
        flash(message, target);
    }
    location.hash = target;
}

function signedInAlready(view) {
    view.append(h('h1', {}, 'Signed in'),
        h('p', {}, `You are signed in as ${session.account().displayName}. `, h('a', {href: '#/todos'}, 'Go to your todos.')));
}

function emailField(id, autocomplete, value) {
    return field(id, 'Email', h('input', {name: 'email', type: 'email', autocomplete, required: true, maxlength: 254, value}));
}

function passwordField(id, label, name, autocomplete, hint) {
    return field(id, label, h('input', {name, type: 'password', autocomplete, required: true,
        minlength: autocomplete === 'new-password' ? 8 : null, maxlength: 128}), hint);
}

export function renderSignIn(view) {
    if (session.account()) {
        signedInAlready(view);
        return;
    }
    const box = outcomeBox();
    const form = h('form', {class: 'card narrow', 'aria-labelledby': 'sign-in-title', onsubmit: onSubmit(async (values, form) => {
        const done = await attempt(async () => {
            await session.signIn(values.email, values.password);
            return true;
        }, {box, form});
        if (done) {
            goBack();
        }
    })},
    h('h2', {id: 'sign-in-title', class: 'visually-hidden'}, 'Sign in'),
    emailField('sign-in-email', 'username'),
    passwordField('sign-in-password', 'Password', 'password', 'current-password'),
    h('button', {type: 'submit'}, 'Sign in'),
    box);
    view.append(h('h1', {}, 'Sign in to Quire'), form,
        h('p', {class: 'switch'}, h('a', {href: '#/forgot-password'}, 'Forgot password?')),
        h('p', {class: 'switch'}, 'New here? ', signUpLink('Create an account')));
}

export function renderSignUp(view) {
    if (session.account()) {
        signedInAlready(view);
        return;
    }
    const box = outcomeBox();
    const form = h('form', {class: 'card narrow', 'aria-labelledby': 'sign-up-title', onsubmit: onSubmit(async (values, form) => {
        let created = false;
        const done = await attempt(async () => {
            await session.signUp(values.email, values.password, values.displayName);
            created = true;
            // a new account is for using: it is signed in at once, with the password just chosen
            await session.signIn(values.email, values.password);
            return true;
        }, {box, form});
        if (done) {
            goBack(`Welcome to Quire, ${session.account().displayName}. Your account is ready and you are signed in.`);
        } else if (created) {
            say(box, `Your account was created, but signing in failed. If this server requires a verified email address,`
                + ` follow the link we mailed you first; then sign in with your new password.`);
        }
    })},
    h('h2', {id: 'sign-up-title', class: 'visually-hidden'}, 'Create an account'),
    field('sign-up-name', 'Display name', h('input', {name: 'displayName', autocomplete: 'nickname', required: true, maxlength: 100}),
        'How others see you in reviews.'),
    emailField('sign-up-email', 'email'),
    passwordField('sign-up-password', 'Password', 'password', 'new-password', NEW_PASSWORD_HINT),
    h('button', {type: 'submit'}, 'Create account'),
    box);
    view.append(h('h1', {}, 'Create your Quire account'), form,
        h('p', {class: 'switch'}, 'Already have an account? ', signInLink('Sign in')));
}

/**
 * Signs in again without leaving the view, so that nothing typed in it is lost: a modal dialog over the page.
 * The same account signing in again leaves the view as it is (the person sends what they typed again); another
 * account redraws it (session.js says which).
 */
export function signInAgain(opener) {
    if (document.querySelector('dialog.sign-in-again')) {
        return;
    }
    const ended = session.endedAccount();
    const outcome = opener?.closest('.outcome') ?? null;
    // afterwards, focus goes where the person sends their work again: the submit button of the form they were in
    let returnTo = opener?.closest('form')?.querySelector('button[type="submit"]') ?? opener;
    const box = outcomeBox();
    const dialog = h('dialog', {class: 'card sign-in-again', 'aria-labelledby': 'again-title', 'aria-describedby': 'again-text'},
        h('h2', {id: 'again-title'}, 'Sign in again'),
        h('p', {id: 'again-text'}, 'Your session has ended. Sign in to carry on: what you typed is still on the page.'),
        h('form', {onsubmit: onSubmit(async (values, form) => {
            const done = await attempt(async () => {
                await session.signIn(values.email, values.password);
                return true;
            }, {box, form});
            if (done) {
                if (outcome?.isConnected) {
                    say(outcome, 'You are signed in again. What you typed is still here: send it again when ready.');
                } else {
                    clearNotices();
                    returnTo = null;
                }
                dialog.close();
            }
        })},
        emailField('again-email', 'username', ended?.email),
        passwordField('again-password', 'Password', 'password', 'current-password'),
        h('div', {class: 'form-actions'},
            h('button', {type: 'submit'}, 'Sign in'),
            h('button', {type: 'button', class: 'secondary', onclick: () => dialog.close()}, 'Not now')),
        box));
    dialog.addEventListener('close', () => {
        dialog.remove();
        if (returnTo?.isConnected) {
            returnTo.focus();
        }
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector(ended ? '#again-password' : '#again-email').focus();
}
