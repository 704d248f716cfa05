// The email address of the signed-in account: its verification state with "Resend", changing it, and the view a
// verification mail's link opens (#/verify?token=…), which verifies the address without needing a session.
import {ApiError, call, link} from './api.js';
import * as session from './session.js';
import {field, h, onSubmit, show} from './dom.js';
import {attempt, outcomeBox, say} from './ui.js';
import {signInLink} from './signin.js';

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * #/verify?token=…: the token leaves the address bar (and the history entry) before anything else happens, then
 * verifies. Reloading afterwards shows the outcome's absence, never the token.
 */
export async function renderVerify(view, params) {
    const token = params.get('token');
    if (token) {
        history.replaceState(history.state, '', '#/verify');
    }
    view.append(h('h1', {}, 'Verify your email address'));
    const box = outcomeBox();
    view.append(box);
    if (!token) {
        show(box, h('p', {}, 'Open the link in the verification mail to verify your address. ',
            'Signed in, you can ask for a new one on ', h('a', {href: '#/account'}, 'your account page'), '.'));
        return;
    }
    const verified = await attempt(async () => {
        // anonymous: the token is the proof, whoever (if anyone) is signed in on this tab
        await call('POST', await link('email-verifications'), {json: {token}, anonymous: true}).catch(throwLinkError);
        return true;
    }, {box});
    if (verified) {
        say(box, 'Your email address is verified. Thank you.');
        if (session.account()) {
            // the address may have changed: the header and the account page show the new one
            await session.restore();
            view.append(h('p', {}, h('a', {href: '#/account'}, 'Back to your account')));
        } else {
            view.append(h('p', {}, signInLink('Sign in')));
        }
    } else {
        view.append(h('p', {}, 'Signed in, you can ask for a new link on ', h('a', {href: '#/account'}, 'your account page'),
            '.'));
    }
}

/**
 * A refused link's token is no field the person can fix: its problem is said in its own words (the detail: ask for
 * a new link), not as "token is invalid".
 */
export function throwLinkError(error) {
    if (error instanceof ApiError && error.fieldErrors.some(item => item.field === 'token')) {
        throw new ApiError(error.status, {...error.problem, errors: error.fieldErrors.filter(item => item.field !== 'token')});
    }
    throw error;
}

/** The account page's email card: the address, whether it is verified, a pending change, Resend, and changing it. */
export function emailSection(href) {
    const section = h('section', {class: 'card email', 'aria-labelledby': 'email-title'},
        h('h2', {id: 'email-title'}, 'Email address'));
    const state = h('div', {class: 'email-state'});
    const box = outcomeBox();
    section.append(state, box, changeForm());
    refresh();
    return section;

    async function refresh() {
        const loaded = await attempt(async () => (await call('GET', href)).data, {box});
        if (loaded) {
            drawState(loaded);
        }
    }

    function drawState(account) {
        const lines = [h('p', {}, h('strong', {class: 'email-address'}, account.email), ' ',
            account.emailVerified
                ? h('span', {class: 'email-verified'}, '(verified)')
                : h('span', {class: 'email-unverified'}, '(not verified yet)'))];
        if (account.pendingEmail) {
            lines.push(h('p', {class: 'email-pending'}, `Changing to ${account.pendingEmail}: follow the link mailed there.`,
                ' Until then, your address stays as above.'));
        }
        if (account.pendingEmail || !account.emailVerified) {
            lines.push(h('button', {type: 'button', class: 'secondary', onclick: resend}, 'Resend verification mail'));
        }
        show(state, ...lines);
    }

    async function resend() {
        const sent = await attempt(async () => (await call('POST', `${href}/verification`)).data, {box});
        if (sent) {
            say(box, `A new link is on its way to ${sent.email}. It works once, within 24 hours; earlier links no longer do.`);
        }
    }

    function changeForm() {
        const formBox = outcomeBox();
        const form = h('form', {'aria-labelledby': 'email-change-title', onsubmit: onSubmit(async (values, form) => {
            const changed = await attempt(async () => (await call('PATCH', href, {contentType: MERGE_PATCH,
                json: {email: values.email ?? '', currentPassword: values.currentPassword ?? ''}})).data,
            {box: formBox, form});
            if (changed) {
                form.reset();
                drawState(changed);
                say(formBox, changed.pendingEmail
                    ? `We mailed a link to ${changed.pendingEmail}. Your address changes when you follow it.`
                    : 'No change is pending: that is the address the account has.');
            }
        })},
        h('h3', {id: 'email-change-title'}, 'Change email address'),
        field('email-change-address', 'New email address', h('input', {name: 'email', type: 'email', autocomplete: 'email',
            required: true, maxlength: 254})),
        field('email-change-password', 'Current password', h('input', {name: 'currentPassword', type: 'password',
            autocomplete: 'current-password', required: true, maxlength: 128})),
        h('button', {type: 'submit'}, 'Change email address'),
        formBox);
        return form;
    }
}
