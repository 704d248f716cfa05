// The signed-in account: its display name, its password, its sessions and API keys (sessions.js, keys.js), and
// signing out here or everywhere.
import {ApiError, call, link} from './api.js';
import * as session from './session.js';
import {field, h, onSubmit} from './dom.js';
import {attempt, flash, outcomeBox, say, sayError} from './ui.js';
import {signInLink, signUpLink} from './signin.js';
import {emailSection} from './verify.js';
import {sessionsSection} from './sessions.js';
import {keysSection} from './keys.js';

const MERGE_PATCH = 'application/merge-patch+json';

export async function renderAccount(view) {
    const me = session.account();
    if (!me) {
        view.append(h('h1', {}, 'Your account'),
            h('p', {}, signInLink('Sign in'), ' or ', signUpLink('create an account'), ' to see it.'));
        return;
    }
    const href = `${await link('accounts')}/me`;
    view.append(h('h1', {}, 'Your account'),
        h('p', {}, 'Signed in as ', h('strong', {class: 'account-name'}, me.displayName), ` (${me.email}).`),
        h('div', {class: 'columns'}, nameForm(), passwordForm()),
        emailSection(href),
        sessionsSection(),
        keysSection(),
        signOutSection());

    function nameForm() {
        const box = outcomeBox();
        const form = h('form', {class: 'card', 'aria-labelledby': 'name-title', onsubmit: onSubmit(async (values, form) => {
            const saved = await attempt(async () => (await call('PATCH', href,
                {json: {displayName: values.displayName ?? ''}, contentType: MERGE_PATCH})).data, {box, form});
            if (saved) {
                session.renamed(saved.displayName);
                view.querySelector('.account-name').textContent = saved.displayName;
                say(box, `Saved. Others now see you as “${saved.displayName}”.`);
            }
        })},
        h('h2', {id: 'name-title'}, 'Display name'),
        field('account-name', 'Display name', h('input', {name: 'displayName', autocomplete: 'nickname', required: true,
            maxlength: 100, value: me.displayName}), 'How others see you in reviews.'),
        h('button', {type: 'submit'}, 'Save display name'),
        box);
        return form;
    }

    function passwordForm() {
        const box = outcomeBox();
        const form = h('form', {class: 'card', 'aria-labelledby': 'password-title', onsubmit: onSubmit(async (values, form) => {
            if ((values.newPassword ?? '') !== (values.repeatPassword ?? '')) {
                // a typo in a new password would lock the person out: it is typed twice, and checked here
                sayError({box, form}, new ApiError(422, {errors: [{field: 'repeatPassword', message: 'does not match the new password'}]}));
                return;
            }
            const changed = await attempt(async () => {
                await call('PUT', `${href}/password`,
                    {json: {currentPassword: values.currentPassword, newPassword: values.newPassword}});
                return true;
            }, {box, form});
            if (changed) {
                form.reset();
                say(box, 'Password changed. Any other sessions of this account were signed out; this one goes on.');
            }
        })},
        h('h2', {id: 'password-title'}, 'Password'),
        // for password managers: which account this password belongs to
        h('input', {type: 'email', name: 'username', autocomplete: 'username', value: me.email, hidden: true,
            readonly: true, tabindex: -1, 'aria-label': 'Email'}),
        field('account-current-password', 'Current password', h('input', {name: 'currentPassword', type: 'password',
            autocomplete: 'current-password', required: true, maxlength: 128})),
        field('account-new-password', 'New password', h('input', {name: 'newPassword', type: 'password',
            autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128}),
            '8 to 128 characters; not a common password, not your email.'),
        field('account-repeat-password', 'New password again', h('input', {name: 'repeatPassword', type: 'password',
            autocomplete: 'new-password', required: true, maxlength: 128})),
        h('button', {type: 'submit'}, 'Change password'),
        box);
        return form;
    }

    function signOutSection() {
        const box = outcomeBox();
        return h('section', {class: 'card sign-out', 'aria-labelledby': 'sign-out-title'},
            h('h2', {id: 'sign-out-title'}, 'Signing out'),
            h('p', {}, 'Sign out everywhere ends every session of this account: on this device and on any other.'),
            h('div', {class: 'form-actions'},
                h('button', {type: 'button', class: 'secondary', onclick: () => signOut(box, false)}, 'Sign out'),
                h('button', {type: 'button', class: 'danger', onclick: () => signOut(box, true)}, 'Sign out everywhere')),
            box);
    }
}

async function signOut(box, everywhere) {
    const done = await attempt(async () => {
        await (everywhere ? session.signOutEverywhere() : session.signOut());
        return true;
    }, {box});
    if (done) {
        flash(everywhere ? 'Signed out on every device.' : 'Signed out.', '#/sign-in');
        location.hash = '#/sign-in';
    }
}
