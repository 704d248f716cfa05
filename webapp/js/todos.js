// The signed-in account's todo list (and, for a visitor, the first screen: what Quire is, and the way in).
// Every change is sent with If-Match (the version this page last saw): if the todo changed elsewhere meanwhile,
// Quire answers 412, and the page says so and shows the todo as it is now.
import {call, link, withQuery} from './api.js';
import * as session from './session.js';
import {fieldError, h, onSubmit, plural, show} from './dom.js';
import {attempt, clearNotices, clearOutcome, outcomeBox, say, sayError} from './ui.js';
import {signInLink, signUpLink} from './signin.js';

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
    const state = {items: [], next: null, left: null};

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
        h('aside', {class: 'todo-side', 'aria-label': 'The list'}, count, filters, h('div', {class: 'list-actions'}, clearButton), sideBox),
        h('div', {class: 'todo-main'}, listBox, list, empty, h('div', {class: 'list-actions'}, moreButton), moreBox)));

    await Promise.all([load(firstPage(), false), recount()]);
    input.focus();

    function firstPage() {
        return withQuery(collection, {completed: filter.completed, limit: PAGE_SIZE});
    }

    async function load(href, append) {
        const {data} = await call('GET', href);
        state.items = append ? state.items.concat(data.items) : data.items;
        state.next = data._links.next?.href ?? null;
        redraw();
    }

    /**
     * Counts the todos not done yet. The API has no count, so this reads the active todos, a page of a hundred
     * at a time, up to a thousand; past that the page says "more than".
     */
    async function recount() {
        let href = withQuery(collection, {completed: 'false', limit: COUNT_PAGE});
        let counted = 0;
        for (let page = 0; page < COUNT_PAGES && href; page++) {
            const {data} = await call('GET', href);
            counted += data.items.length;
            href = data._links.next?.href;
        }
        state.left = href ? null : counted;
        showCount();
    }

    function adjustLeft(change) {
        if (state.left !== null) {
            state.left = Math.max(0, state.left + change);
            showCount();
        }
    }

    function showCount() {
        show(count, state.left === null ? `More than ${(COUNT_PAGE * COUNT_PAGES).toLocaleString('en')} items left`
            : `${plural(state.left, 'item')} left`);
    }

    function redraw() {
        show(list, state.items.map(item));
        empty.hidden = state.items.length > 0;
        show(empty, filter.name === 'all' ? 'Nothing to do yet.' : `No ${filter.label.toLowerCase()} todos.`);
        moreButton.hidden = state.next === null;
    }

    /** Whether a todo belongs in the list under the current filter. */
    function shown(todo) {
        return filter.completed === undefined || String(todo.completed) === filter.completed;
    }

    function item(todo) {
        const titleId = `title-${todo.id}`;
        const title = h('span', {class: 'title', id: titleId, ondblclick: () => edit(todo)}, todo.title);
        return h('li', {class: todo.completed ? 'todo done' : 'todo', 'data-id': todo.id},
            h('input', {type: 'checkbox', checked: todo.completed, 'aria-labelledby': titleId, 'data-focus': 'toggle',
                onchange: event => change(todo, {completed: event.currentTarget.checked}, 'toggle')}),
            title,
            h('button', {type: 'button', class: 'secondary small', 'data-focus': 'edit', onclick: () => edit(todo),
                'aria-label': `Edit “${todo.title}”`}, 'Edit'),
            h('button', {type: 'button', class: 'danger small', onclick: () => remove(todo),
                'aria-label': `Delete “${todo.title}”`}, 'Delete'));
    }

    /** Puts a todo's new state in the list (or takes it out, if the filter no longer shows it), keeping focus. */
    function replace(todo, focus) {
        const index = state.items.findIndex(t => t.id === todo.id);
        if (index < 0) {
            return;
        }
        if (shown(todo)) {
            state.items[index] = todo;
            const old = list.querySelector(`li[data-id="${CSS.escape(todo.id)}"]`);
            const fresh = item(todo);
            old.replaceWith(fresh);
            fresh.querySelector(`[data-focus="${focus}"]`)?.focus();
        } else {
            state.items.splice(index, 1);
            redraw();
        }
    }

    function forget(todo) {
        state.items = state.items.filter(t => t.id !== todo.id);
        redraw();
    }

    async function add(values, form) {
        const created = await attempt(async () =>
            (await call('POST', collection, {json: {title: values.title ?? ''}})).data, {box: addBox, form});
        if (created) {
            input.value = '';
            adjustLeft(created.completed ? 0 : 1);
            if (shown(created)) {
                state.items.push(created);
                redraw();
            } else {
                say(addBox, `Added “${created.title}”; it is not shown under “${filter.label}”.`);
            }
            input.focus();
        }
    }

    /** Sends a merge patch conditional on the version shown; on 412 or 404, shows the todo as it is now. */
    async function change(todo, patch, focus) {
        clearNotices();
        clearOutcome({box: listBox});
        try {
            const {data} = await call('PATCH', todo._links.self.href, {json: patch, contentType: MERGE_PATCH, ifMatch: todo.version});
            adjustLeft(data.completed === todo.completed ? 0 : data.completed ? -1 : 1);
            replace(data, focus);
        } catch (error) {
            await changedElsewhere(todo, error, focus);
        }
    }

    async function changedElsewhere(todo, error, focus) {
        if (error.status === 412) {
            try {
                replace((await call('GET', todo._links.self.href)).data, focus);
                sayError({box: listBox}, `“${todo.title}” was changed somewhere else, so your change was not saved. `
                    + 'It now shows its current state; make your change again if you still want it.');
            } catch (reloadError) {
                if (reloadError.status === 404) {
                    forget(todo);
                }
                sayError({box: listBox, labels: TITLE}, reloadError);
            }
            await attempt(recount, {box: sideBox});
        } else {
            if (error.status === 404) {
                forget(todo); // deleted elsewhere
                await attempt(recount, {box: sideBox});
            } else {
                replace(todo, focus); // puts a checkbox the person ticked back to what is saved
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
                await change(todo, {title}, 'edit');
            } else {
                replace(todo, 'edit');
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
        li.replaceChildren(form);
        li.classList.add('is-editing');
        editor.focus();
        editor.select();
    }

    async function remove(todo) {
        await attempt(async () => {
            try {
                await call('DELETE', todo._links.self.href, {ifMatch: todo.version});
                const index = state.items.findIndex(t => t.id === todo.id);
                forget(todo);
                adjustLeft(todo.completed ? 0 : -1);
                say(listBox, `Deleted “${todo.title}”.`);
                // focus stays in the list: on the todo that took the deleted one's place, or the one before it
                const neighbour = (list.children[index] ?? list.lastElementChild)?.querySelector('[data-focus="toggle"]');
                (neighbour ?? input).focus();
            } catch (error) {
                if (error.status !== 412 && error.status !== 404) {
                    throw error;
                }
                await changedElsewhere(todo, error, 'edit');
            }
        }, {box: listBox});
    }

    async function loadMore() {
        await attempt(() => load(state.next, true), {box: moreBox});
    }

    async function clearCompleted() {
        await attempt(async () => {
            await call('DELETE', withQuery(collection, {completed: 'true'}));
            await load(firstPage(), false);
            say(sideBox, 'Cleared the completed todos.');
        }, {box: sideBox});
    }
}
