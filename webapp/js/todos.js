// The signed-in account's todo list (and, for a visitor, the first screen: what Quire is, and the way in).
// Every change is sent with If-Match (the version this page last saw): if the todo changed elsewhere meanwhile,
// Quire answers 412, and the page says so and shows the todo as it is now.
// The list follows the account's change stream (live.js): what another tab, device or program changes appears
// in place, without disturbing a title being edited. The page's own changes come back through the stream too;
// every new state of a todo goes through one function that compares versions, so nothing is shown twice.
import {call, link, withQuery} from './api.js';
import * as session from './session.js';
import {fieldError, h, onSubmit, plural, show} from './dom.js';
import {attempt, clearNotices, clearOutcome, liveNote, outcomeBox, say, sayError} from './ui.js';
import {signInLink, signUpLink} from './signin.js';
import {follow} from './live.js';

const FILTERS = [
    {name: 'all', label: 'All', completed: undefined},
    {name: 'active', label: 'Active', completed: 'false'},
    {name: 'completed', label: 'Completed', completed: 'true'},
];
const PAGE_SIZE = 50;
/** The API's largest page, and how many of them the count of items left reads at most. */
const COUNT_PAGE = 100;
const COUNT_PAGES = 10;
const MERGE_PATCH = 'application/merge-patch+json';
const TITLE = {title: 'Title'};

function renderWelcome(view) {
    view.append(h('section', {class: 'welcome', 'aria-labelledby': 'welcome-title'},
        h('h1', {id: 'welcome-title'}, 'Welcome to Quire'),
        h('p', {class: 'lead'}, 'Quire keeps your todo list, and a shared catalogue of books that everyone can search and review.'),
        h('div', {class: 'form-actions'},
            signInLink('Sign in', {class: 'button'}),
            signUpLink('Create an account', {class: 'button secondary'})),
        h('p', {class: 'hint'}, 'Or ', h('a', {href: '#/books'}, 'browse the books'), ' without an account.')));
}

export async function renderTodos(view, parameters) {
    if (!session.account()) {
        renderWelcome(view);
        return;
    }
    const filter = FILTERS.find(f => f.name === parameters.get('show')) ?? FILTERS[0];
    const collection = await link('todos');
    // items: the todos shown, in the list's order; next: the next page's href; boundary: the last todo of the
    // pages loaded while there are more (a todo past it belongs to a page not loaded yet); left: the count
    const state = {items: [], next: null, boundary: null, left: null};
    /**
     * What the count of items left knows of each todo ({version, completed, title}): every active todo as the count
     * last read them, then each todo's new state from this page's writes and the stream. Kept apart from the list,
     * which is read at other moments: a todo the count has not seen was done when it counted.
     */
    const known = new Map();
    /** Todos deleted or cleared: an event about them afterwards changes nothing. */
    const gone = new Set();
    /** The todo each list item was drawn from: an item whose todo has not changed is left alone (and keeps focus). */
    const drawnFrom = new WeakMap();

    const input = h('input', {id: 'new-todo', name: 'title', maxlength: 500, required: true, autocomplete: 'off',
        placeholder: 'What needs doing?', 'data-label': 'Title'});
    const addBox = outcomeBox();
    const addForm = h('form', {class: 'add-todo', 'aria-label': 'Add a todo', onsubmit: onSubmit(add)},
        h('div', {class: 'inline-form'},
            h('label', {for: 'new-todo', class: 'visually-hidden'}, 'New todo'), input, h('button', {type: 'submit'}, 'Add')),
        fieldError(input), addBox);
    const listBox = outcomeBox();
    const list = h('ul', {class: 'todo-list', 'aria-label': `${filter.label} todos`});
    const empty = h('p', {class: 'empty'});
    const moreBox = outcomeBox();
    const moreButton = h('button', {type: 'button', class: 'secondary', onclick: loadMore}, 'Load more');
    const count = h('p', {class: 'count', 'aria-live': 'polite'});
    const note = liveNote();
    const sideBox = outcomeBox();
    const clearButton = h('button', {type: 'button', class: 'secondary', onclick: clearCompleted}, 'Clear completed');
    const filters = h('div', {class: 'filters', role: 'group', 'aria-label': 'Show'},
        FILTERS.map(f => h('a', {
            href: f === FILTERS[0] ? '#/todos' : `#/todos?show=${f.name}`,
            class: 'button secondary',
            'aria-current': f === filter ? 'true' : null,
        }, f.label)));

    // on a phone: the new todo, then how many are left and the filters, then the list; wider, those go beside it
    view.append(h('h1', {}, 'Todos'), h('div', {class: 'todos-layout'},
        addForm,
        h('aside', {class: 'todo-side', 'aria-label': 'The list'}, count, filters, h('div', {class: 'list-actions'}, clearButton), sideBox, note),
        h('div', {class: 'todo-main'}, listBox, list, empty, h('div', {class: 'list-actions'}, moreButton), moreBox)));

    // the stream first: a change made between reading the list and subscribing would otherwise be missed
    const live = follow({view, href: `${collection}/events`, signedIn: true, onEvent: received, onResync: reload});
    await live.ready;
    try {
        await reload();
    } finally {
        live.release();
    }
    input.focus();

    function firstPage() {
        return withQuery(collection, {completed: filter.completed, limit: PAGE_SIZE});
    }

    async function reload() {
        await Promise.all([load(firstPage(), false), recount()]);
    }

    /** Runs one of the page's own writes: events wait until its answer is in, so they find it already shown. */
    function own(write) {
        return live.during(write);
    }

    async function load(href, append) {
        const {data} = await call('GET', href);
        const items = data.items.filter(todo => !gone.has(todo.id));
        if (append) {
            // a todo this page added is shown at once, even past the pages loaded: it is not shown twice
            const shownIds = new Set(state.items.map(todo => todo.id));
            state.items = state.items.concat(items.filter(todo => !shownIds.has(todo.id)));
        } else {
            state.items = items;
        }
        state.next = data._links.next?.href ?? null;
        state.boundary = state.next === null ? null : data.items.at(-1) ?? null;
        state.items.sort(byOrder);
        redraw();
    }

    /**
     * Counts the todos not done yet. The API has no count, so this reads the active todos, a page of a hundred
     * at a time, up to a thousand; past that the page says "more than".
     */
    async function recount() {
        let href = withQuery(collection, {completed: 'false', limit: COUNT_PAGE});
        const active = [];
        for (let page = 0; page < COUNT_PAGES && href; page++) {
            const {data} = await call('GET', href);
            active.push(...data.items);
            href = data._links.next?.href;
        }
        if (href) {
            state.left = null;
        } else {
            state.left = active.length;
            // every active todo was read: any other the count knew of was done (or gone) when it counted
            for (const [id, todo] of known) {
                known.set(id, {...todo, completed: true});
            }
        }
        for (const todo of active) {
            known.set(todo.id, {version: todo.version, completed: false, title: todo.title});
        }
        showCount();
    }

    function adjustLeft(change) {
        if (state.left !== null && change !== 0) {
            state.left = Math.max(0, state.left + change);
            showCount();
        }
    }

    function showCount() {
        show(count, state.left === null ? `More than ${(COUNT_PAGE * COUNT_PAGES).toLocaleString('en')} items left`
            : `${plural(state.left, 'item')} left`);
    }

    /**
     * Brings the list on screen in line with state.items, touching only the items that changed: an unchanged item
     * keeps its element (and focus), a title being edited is never redrawn under the person editing it, and focus
     * in an item that changed stays on the same control of its new version (or moves to a neighbour of one that
     * went).
     */
    function redraw() {
        const active = list.contains(document.activeElement) ? document.activeElement : null;
        const activeItem = active?.closest('li');
        const activeIndex = activeItem ? [...list.children].indexOf(activeItem) : -1;
        const drawn = new Map([...list.children].map(li => [li.dataset.id, li]));
        const wanted = state.items.map(todo => {
            const li = drawn.get(todo.id);
            return li && (li.classList.contains('is-editing') || drawnFrom.get(li) === todo) ? li : item(todo);
        });
        const keep = new Set(wanted);
        for (const li of [...list.children]) {
            // an editor whose todo went elsewhere stays until the person is done with it (saving then says so)
            if (!keep.has(li) && !li.classList.contains('is-editing')) {
                li.remove();
            }
        }
        let cursor = list.firstElementChild;
        for (const li of wanted) {
            while (cursor && cursor !== li && !keep.has(cursor)) {
                cursor = cursor.nextElementSibling;
            }
            if (cursor === li) {
                cursor = cursor.nextElementSibling;
            } else {
                list.insertBefore(li, cursor);
            }
        }
        empty.hidden = state.items.length > 0;
        show(empty, filter.name === 'all' ? 'Nothing to do yet.' : `No ${filter.label.toLowerCase()} todos.`);
        moreButton.hidden = state.next === null;
        if (active && document.activeElement !== active) {
            if (active.isConnected) {
                active.focus({preventScroll: true});
            } else {
                const fresh = list.querySelector(`li[data-id="${CSS.escape(activeItem.dataset.id)}"]`);
                const neighbour = list.children[activeIndex] ?? list.lastElementChild;
                const target = fresh?.querySelector(`[data-focus="${active.dataset.focus ?? 'toggle'}"]`)
                    ?? neighbour?.querySelector('[data-focus="toggle"]') ?? input;
                target.focus({preventScroll: true});
            }
        }
    }

    /** Whether a todo belongs in the list under the current filter. */
    function shown(todo) {
        return filter.completed === undefined || String(todo.completed) === filter.completed;
    }

    /** Whether a todo falls within the pages loaded (past them, Load more brings it). */
    function withinLoaded(todo) {
        return state.boundary === null || byOrder(todo, state.boundary) <= 0;
    }

    function item(todo) {
        const titleId = `title-${todo.id}`;
        const title = h('span', {class: 'title', id: titleId, ondblclick: () => edit(todo)}, todo.title);
        const li = h('li', {class: todo.completed ? 'todo done' : 'todo', 'data-id': todo.id},
            h('input', {type: 'checkbox', checked: todo.completed, 'aria-labelledby': titleId, 'data-focus': 'toggle',
                onchange: event => change(todo, {completed: event.currentTarget.checked}, 'toggle')}),
            title,
            h('button', {type: 'button', class: 'secondary small', 'data-focus': 'edit', onclick: () => edit(todo),
                'aria-label': `Edit “${todo.title}”`}, 'Edit'),
            h('button', {type: 'button', class: 'danger small', 'data-focus': 'delete', onclick: () => remove(todo),
                'aria-label': `Delete “${todo.title}”`}, 'Delete'));
        drawnFrom.set(li, todo);
        return li;
    }

    /**
     * A todo's new state, from this page's own write or from the stream: shown in the list (or taken out of it, if
     * the filter no longer shows it), and counted. Nothing happens if the page has it already (same version or
     * newer). Resolves to what the todo was before ({} if the page never knew it), or null if it was no news.
     */
    function arrived(todo, {own = false} = {}) {
        if (gone.has(todo.id)) {
            return null;
        }
        const before = known.get(todo.id);
        const index = state.items.findIndex(t => t.id === todo.id);
        const listed = index >= 0 ? state.items[index] : null;
        const countNews = !before || before.version < todo.version;
        const listNews = !listed || listed.version < todo.version;
        const belongs = shown(todo) && (listed !== null || own || withinLoaded(todo));
        const listChanges = listNews && (belongs || listed !== null);
        if (!countNews && !listChanges) {
            return null;
        }
        if (countNews) {
            adjustLeft((todo.completed ? 0 : 1) - (before && !before.completed ? 1 : 0));
            known.set(todo.id, {version: todo.version, completed: todo.completed, title: todo.title});
        }
        if (listChanges) {
            if (listed !== null) {
                state.items.splice(index, 1);
            }
            if (belongs) {
                state.items.push(todo);
                state.items.sort(byOrder);
            }
            redraw();
        }
        return listed ?? before ?? {};
    }

    /** A todo deleted (or cleared): out of the list and the count. Resolves to what it was, or null if no news. */
    function went(id) {
        if (gone.has(id)) {
            return null;
        }
        gone.add(id);
        const before = known.get(id);
        known.delete(id);
        if (before && !before.completed) {
            adjustLeft(-1);
        }
        const listed = state.items.find(t => t.id === id) ?? null;
        if (listed !== null) {
            state.items = state.items.filter(t => t.id !== id);
            redraw();
        }
        return listed ?? before ?? {};
    }

    /** An event from the stream: a change made elsewhere (or this page's own, which then changes nothing). */
    function received(type, data) {
        if (type === 'todo.created' || type === 'todo.updated') {
            const todo = withLinks(data);
            const wasListed = state.items.some(t => t.id === todo.id);
            const before = arrived(todo);
            const isListed = state.items.some(t => t.id === todo.id);
            if (before !== null && (wasListed || isListed || before.completed === false || !todo.completed)) {
                tell(type === 'todo.created' ? `“${todo.title}” was added elsewhere.` : describeChange(before, todo));
            }
        } else if (type === 'todo.deleted') {
            const before = went(data.id);
            if (before?.title !== undefined) {
                tell(`“${before.title}” was deleted elsewhere.`);
            }
        } else if (type === 'todos.cleared') {
            const cleared = data.ids.map(went).filter(before => before?.title !== undefined);
            if (cleared.length > 0) {
                tell(`${plural(cleared.length, 'completed todo')} cleared elsewhere.`);
            }
        }
    }

    function describeChange(before, todo) {
        if (before.title !== undefined && before.title !== todo.title) {
            return `“${before.title}” was renamed “${todo.title}” elsewhere.`;
        }
        if (before.completed !== undefined && before.completed !== todo.completed) {
            return todo.completed ? `“${todo.title}” was ticked off elsewhere.` : `“${todo.title}” was unticked elsewhere.`;
        }
        return `“${todo.title}” was changed elsewhere.`;
    }

    function tell(text) {
        show(note, text);
    }

    /** An event's todo has no links: they are the API's, and the page builds the one it follows from the id. */
    function withLinks(todo) {
        return {...todo, _links: {self: {href: `${collection}/${encodeURIComponent(todo.id)}`}}};
    }

    /** Moves focus to one control of a todo's item, if it is shown. */
    function focusOn(id, control) {
        list.querySelector(`li[data-id="${CSS.escape(id)}"] [data-focus="${control}"]`)?.focus();
    }

    /** Draws a todo's item again from what the page knows (a checkbox the person ticked goes back). */
    function drawAgain(id) {
        const li = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
        if (li) {
            drawnFrom.delete(li);
            li.classList.remove('is-editing');
        }
        redraw();
    }

    async function add(values, form) {
        const created = await attempt(() => own(async () => {
            const {data} = await call('POST', collection, {json: {title: values.title ?? ''}});
            arrived(data, {own: true});
            return data;
        }), {box: addBox, form});
        if (created) {
            input.value = '';
            if (!shown(created)) {
                say(addBox, `Added “${created.title}”; it is not shown under “${filter.label}”.`);
            }
            input.focus();
        }
    }

    /** Sends a merge patch conditional on the version shown; on 412 or 404, shows the todo as it is now. */
    async function change(todo, patch, focus) {
        clearNotices();
        clearOutcome({box: listBox});
        await own(async () => {
            try {
                const {data} = await call('PATCH', todo._links.self.href, {json: patch, contentType: MERGE_PATCH, ifMatch: todo.version});
                drawAgain(todo.id);
                arrived(data, {own: true});
                focusOn(todo.id, focus);
            } catch (error) {
                await changedElsewhere(todo, error, focus);
            }
        });
    }

    async function changedElsewhere(todo, error, focus) {
        drawAgain(todo.id); // as the page knows it: a checkbox the person ticked goes back, an editor closes
        if (error.status === 412) {
            try {
                arrived((await call('GET', todo._links.self.href)).data);
                focusOn(todo.id, focus);
                sayError({box: listBox}, `“${todo.title}” was changed somewhere else, so your change was not saved. `
                    + 'It now shows its current state; make your change again if you still want it.');
            } catch (reloadError) {
                if (reloadError.status === 404) {
                    went(todo.id);
                }
                sayError({box: listBox, labels: TITLE}, reloadError);
            }
        } else {
            if (error.status === 404) {
                went(todo.id); // deleted elsewhere
            } else {
                focusOn(todo.id, focus);
            }
            sayError({box: listBox, labels: TITLE}, error);
        }
    }

    function edit(todo) {
        const li = list.querySelector(`li[data-id="${CSS.escape(todo.id)}"]`);
        const editor = h('input', {class: 'edit', value: todo.title, maxlength: 500, 'aria-label': `Title of “${todo.title}”`});
        let finished = false;
        const finish = async save => {
            if (finished) {
                return;
            }
            finished = true;
            const title = editor.value.trim();
            if (save && title !== todo.title) {
                // sent with the version the editing started from: if the todo changed elsewhere meanwhile, the
                // answer is 412, and the page says so
                await change(todo, {title}, 'edit');
            } else {
                drawAgain(todo.id); // as it is now, which may be newer than when the editing started
                focusOn(todo.id, 'edit');
            }
        };
        editor.addEventListener('keydown', event => {
            if (event.key === 'Enter') {
                event.preventDefault();
                finish(true);
            } else if (event.key === 'Escape') {
                finish(false);
            }
        });
        editor.addEventListener('blur', () => finish(true));
        const form = h('div', {class: 'editing'}, editor,
            h('span', {class: 'hint'}, 'Enter saves, Escape cancels'));
        drawnFrom.delete(li);
        li.replaceChildren(form);
        li.classList.add('is-editing');
        editor.focus();
        editor.select();
    }

    async function remove(todo) {
        await attempt(() => own(async () => {
            try {
                await call('DELETE', todo._links.self.href, {ifMatch: todo.version});
                went(todo.id); // focus stays in the list: on the todo that took its place, or the one before it
                say(listBox, `Deleted “${todo.title}”.`);
            } catch (error) {
                if (error.status !== 412 && error.status !== 404) {
                    throw error;
                }
                await changedElsewhere(todo, error, 'edit');
            }
        }), {box: listBox});
    }

    async function loadMore() {
        await attempt(() => load(state.next, true), {box: moreBox});
    }

    async function clearCompleted() {
        await attempt(() => own(async () => {
            await call('DELETE', withQuery(collection, {completed: 'true'}));
            // the completed todos this page knew are gone: the stream's word of it is then no news
            for (const [id, todo] of known) {
                if (todo.completed) {
                    went(id);
                }
            }
            state.items.filter(todo => todo.completed).forEach(todo => went(todo.id));
            await load(firstPage(), false);
            say(sideBox, 'Cleared the completed todos.');
        }), {box: sideBox});
    }
}

/** The list's order, as the API sorts it by default: by order, then by id. */
function byOrder(a, b) {
    return a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
