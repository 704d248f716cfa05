// The account's sessions: where it is signed in, with "Sign out" for each and "Sign out everywhere else".
import {call, link} from './api.js';
import * as session from './session.js';
import {h, plural, show} from './dom.js';
import {attempt, flash, outcomeBox, say} from './ui.js';

/** A date and time in the reader's locale: "last used" moves by the minute, so the day alone says too little. */
export function when(iso) {
    return new Date(iso).toLocaleString(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric',
        minute: '2-digit'});
}

/** The "Where you're signed in" card; it loads its list itself. */
export function sessionsSection() {
    const box = outcomeBox();
    const list = h('ul', {class: 'session-list', 'aria-labelledby': 'sessions-title'});
    const others = h('button', {type: 'button', class: 'danger', hidden: true, onclick: signOutElsewhere},
        'Sign out everywhere else');
    const section = h('section', {class: 'card sessions', 'aria-labelledby': 'sessions-title'},
        h('h2', {id: 'sessions-title'}, 'Where you’re signed in'),
        h('p', {class: 'hint'}, 'Each sign-in is a session. Signing one out ends it on that device at its next request.'),
        list,
        h('div', {class: 'form-actions'}, others),
        box);
    load();
    return section;

    async function href() {
        return link('sessions');
    }

    async function load() {
        const sessions = await attempt(async () => (await call('GET', await href())).data.items, {box});
        if (!sessions) {
            return;
        }
        show(list, sessions.map(item));
        others.hidden = sessions.length < 2;
    }

    function item(entry) {
        const where = [entry.userAgent || 'Unknown browser or program', entry.clientAddress].filter(Boolean)
            .join(' · ');
        return h('li', {class: 'session', 'data-session': entry.id},
            h('div', {},
                h('strong', {}, where),
                entry.current ? h('span', {class: 'badge'}, ' (this device)') : null,
                h('br'),
                h('span', {class: 'hint'}, `Signed in ${when(entry.createdAt)}, last used `
                    + `${when(entry.lastUsedAt)}, expires ${when(entry.expiresAt)}`)),
            h('button', {type: 'button', class: 'secondary', 'aria-label': entry.current
                ? 'Sign out this device' : `Sign out ${where}`, onclick: () => end(entry)}, 'Sign out'));
    }

    async function end(chosen) {
        const done = await attempt(async () => {
            // this device's own session: the same as signing out, so the page forgets its token too
            await (chosen.current ? session.signOut()
                : call('DELETE', `${await href()}/${encodeURIComponent(chosen.id)}`));
            return true;
        }, {box});
        if (!done) {
            return;
        }
        if (chosen.current) {
            flash('Signed out.', '#/sign-in');
            location.hash = '#/sign-in';
            return;
        }
        await load();
        say(box, 'Signed out that session.');
    }

    async function signOutElsewhere() {
        const done = await attempt(async () => {
            await call('DELETE', `${await href()}/others`);
            return true;
        }, {box});
        if (done) {
            await load();
            const left = list.children.length;
            say(box, `Signed out everywhere else; ${plural(left, 'session')} left: this one.`);
        }
    }
}
