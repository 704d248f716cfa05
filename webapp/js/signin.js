// Signing in and signing up. After signing in, the person goes back to the view that sent them here.
import * as session from './session.js';
import {field, h, whileSubmitting} from './dom.js';
import {attempt, showStatus} from './ui.js';

const RETURN_KEY = 'quire.returnTo';

/** A link to the sign-in view that comes back to the current view afterwards. */
export function signInLink(text) {
    return h('a', {href: '#/sign-in', onclick: () => sessionStorage.setItem(RETURN_KEY, location.hash)}, text);
}

export function renderSignIn(view) {
    if (session.account()) {
        view.append(h('h1', {}, 'Signed in'),
            h('p', {}, `You are signed in as ${session.account().displayName}. `, h('a', {href: '#/todos'}, 'Go to your todos.')));
        return;
    }
    const signInForm = h('form', {class: 'card', 'aria-labelledby': 'sign-in-title', onsubmit: signIn},
        h('h2', {id: 'sign-in-title'}, 'Sign in'),
        field('sign-in-email', 'Email', h('input', {name: 'email', type: 'email', autocomplete: 'username', required: true})),
        field('sign-in-password', 'Password', h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true})),
        h('button', {type: 'submit'}, 'Sign in'));
    const signUpForm = h('form', {class: 'card', 'aria-labelledby': 'sign-up-title', onsubmit: signUp},
        h('h2', {id: 'sign-up-title'}, 'New here? Create an account'),
        field('sign-up-name', 'Display name', h('input', {name: 'displayName', autocomplete: 'nickname', required: true, maxlength: 100})),
        field('sign-up-email', 'Email', h('input', {name: 'email', type: 'email', autocomplete: 'email', required: true})),
        field('sign-up-password', 'Password', h('input', {name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128}),
            '8 to 128 characters; not a common password, not your email.'),
        h('button', {type: 'submit'}, 'Create account'));
    view.append(h('h1', {}, 'Sign in to Quire'), h('div', {class: 'columns'}, signInForm, signUpForm));

    async function signIn(event) {
        event.preventDefault();
        const form = event.currentTarget;
        const email = form.elements.email.value.trim();
        const password = form.elements.password.value; // as typed: spaces in a password count
        const done = await whileSubmitting(form, () => attempt(async () => {
            await session.signIn(email, password);
            return true;
        }));
        if (done) {
            const back = sessionStorage.getItem(RETURN_KEY);
            sessionStorage.removeItem(RETURN_KEY);
            location.hash = back && back !== '#/sign-in' ? back : '#/todos';
        }
    }

    async function signUp(event) {
        event.preventDefault();
        const form = event.currentTarget;
        const email = form.elements.email.value.trim();
        const done = await whileSubmitting(form, () => attempt(async () => {
            await session.signUp(email, form.elements.password.value, form.elements.displayName.value.trim());
            return true;
        }));
        if (done) {
            form.reset();
            signInForm.elements.email.value = email;
            signInForm.elements.password.focus();
            showStatus(`Account created for ${email}. Sign in with your new password.`);
        }
    }
}
