// A forgotten password: the form that asks for a reset link (#/forgot-password), and the view the mailed link
// opens (#/reset?token=…), where a new password is chosen. The token leaves the address bar and the history at
// once; it waits in this tab's sessionStorage (which a reload keeps and no other tab sees) until it is used.
import {ApiError, call, link} from './api.js';
import * as session from './session.js';
import {field, h, onSubmit} from './dom.js';
import {attempt, flash, outcomeBox, say, sayError} from './ui.js';
import {signInLink} from './signin.js';
import {throwLinkError} from './verify.js';

const TOKEN_KEY = 'quire.resetToken';
const NEW_PASSWORD_HINT = '8 to 128 characters; not a common password, not your email.';

export function renderForgotPassword(view) {
    const box = outcomeBox();
    const form = h('form', {class: 'card narrow', 'aria-labelledby': 'forgot-title', onsubmit: onSubmit(async (values, form) => {
        const answer = await attempt(async () => (await call('POST', await link('password-resets'),
            {json: {email: values.email ?? ''}, anonymous: true})).data, {box, form});
        if (answer) {
            form.reset();
            say(box, answer.detail);
        }
    })},
    h('h2', {id: 'forgot-title', class: 'visually-hidden'}, 'Ask for a reset link'),
    h('p', {}, 'Enter the email address of your account: a link to choose a new password is mailed to it.'),
    field('forgot-email', 'Email', h('input', {name: 'email', type: 'email', autocomplete: 'username', required: true,
        maxlength: 254})),
    h('button', {type: 'submit'}, 'Mail me a reset link'),
    box);
    view.append(h('h1', {}, 'Forgot your password?'), form, h('p', {class: 'switch'}, 'Remembered it? ', signInLink('Sign in')));
}

export function renderReset(view, params) {
    const fromLink = params.get('token');
    if (fromLink) {
        sessionStorage.setItem(TOKEN_KEY, fromLink);
        history.replaceState(history.state, '', '#/reset');
    }
    const token = sessionStorage.getItem(TOKEN_KEY);
    view.append(h('h1', {}, 'Choose a new password'));
    if (!token) {
        view.append(h('p', {}, 'Open the link in the reset mail to choose a new password, or ',
            h('a', {href: '#/forgot-password'}, 'ask for a new link'), '.'));
        return;
    }
    const box = outcomeBox();
    const form = h('form', {class: 'card narrow', 'aria-labelledby': 'reset-title', onsubmit: onSubmit(async (values, form) => {
        if ((values.password ?? '') !== (values.repeatPassword ?? '')) {
            sayError({box, form}, new ApiError(422, {errors: [{field: 'repeatPassword', message: 'does not match the new password'}]}));
            return;
        }
        const done = await attempt(async () => {
            await call('POST', `${await link('password-resets')}/${encodeURIComponent(token)}`,
                {json: {password: values.password}, anonymous: true}).catch(throwLinkError);
            return true;
        }, {box, form});
        if (done) {
            sessionStorage.removeItem(TOKEN_KEY);
            if (session.account()) {
                // every session of the account has ended, this tab's too if it was that account's
                await session.signOut().catch(() => {});
            }
            flash('Your password is changed, and every session of your account has ended. Sign in with the new password.',
                '#/sign-in');
            location.hash = '#/sign-in';
        }
    })},
    h('h2', {id: 'reset-title', class: 'visually-hidden'}, 'New password'),
    field('reset-password', 'New password', h('input', {name: 'password', type: 'password', autocomplete: 'new-password',
        required: true, minlength: 8, maxlength: 128}), NEW_PASSWORD_HINT),
    field('reset-repeat-password', 'New password again', h('input', {name: 'repeatPassword', type: 'password',
        autocomplete: 'new-password', required: true, maxlength: 128})),
    h('button', {type: 'submit'}, 'Set new password'),
    box);
    view.append(form, h('p', {class: 'switch'}, 'Link not working? ', h('a', {href: '#/forgot-password'}, 'Ask for a new one'), '.'));
}
