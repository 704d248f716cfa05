// The signed-in account's todo list. Every change is sent with If-Match (the version this page last saw): if
// the todo changed elsewhere meanwhile, Quire answers 412, and the page says so and shows the todo as it is now.
import {call, link, withQuery} from './api.js';
import * as session from './session.js';
import {h, show, whileSubmitting} from './dom.js';
import {attempt, clearNotices, showError, showStatus} from './ui.js';
import {signInLink} from './signin.js';

const FILTERS = [
    {name: 'all', label: 'All', completed: undefined},
    {name: 'active', label: 'Active', completed: 'false'},
    {name: 'completed', label: 'Completed', completed: 'true'},
];
const PAGE_SIZE = 50;
const MERGE_PATCH = 'application/merge-patch+json';

export async function renderTodos(view, parameters) {
    if (!session.account()) {
        view.append(h('h1', {}, 'Todos'),
            h('p', {}, signInLink('Sign in'), ' to see your todos.'));
        return;
    }
    const filter = FILTERS.find(f => f.name === parameters.get('show')) ?? FILTERS[0];
    const collection = await link('todos');
    const state = {items: [], next: null};

    const input = h('input', {id: 'new-todo', name: 'title', maxlength: 500, required: true, autocomplete: 'off',
        placeholder: 'What needs doing?'});
    const addForm = h('form', {class: 'inline-form', onsubmit: add},
        h('label', {for: 'new-todo', class: 'visually-hidden'}, 'New todo'), input, h('button', {type: 'submit'}, 'Add'));
    const list = h('ul', {class: 'todo-list', 'aria-label': `${filter.label} todos`});
    const empty = h('p', {class: 'empty'});
    const moreButton = h('button', {type: 'button', class: 'secondary', onclick: loadMore}, 'Load more');
    const clearButton = h('button', {type: 'button', class: 'secondary', onclick: clearCompleted}, 'Clear completed');
    const filters = h('div', {class: 'filters', role: 'group', 'aria-label': 'Show'},
        FILTERS.map(f => h('a', {
            href: f === FILTERS[0] ? '#/todos' : `#/todos?show=${f.name}`,
            class: 'button secondary',
            'aria-current': f === filter ? 'true' : null,
        }, f.label)));

    view.append(h('h1', {}, 'Todos'), addForm, filters, list, empty, h('div', {class: 'list-actions'}, moreButton, clearButton));

    await load(withQuery(collection, {completed: filter.completed, limit: PAGE_SIZE}), false);
    input.focus();

    async function load(href, append) {
        const {data} = await call('GET', href);
        state.items = append ? state.items.concat(data.items) : data.items;
        state.next = data._links.next?.href ?? null;
        redraw();
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

    async function add(event) {
        event.preventDefault();
        const title = input.value.trim();
        const created = await whileSubmitting(addForm, () => attempt(async () =>
            (await call('POST', collection, {json: {title}})).data));
        if (created) {
            input.value = '';
            if (shown(created)) {
                state.items.push(created);
                redraw();
            } else {
                showStatus(`Added “${created.title}”; it is not shown under “${filter.label}”.`);
            }
        }
        input.focus();
    }

    /** Sends a merge patch conditional on the version shown; on 412 or 404, shows the todo as it is now. */
    async function change(todo, patch, focus) {
        clearNotices();
        try {
            const {data} = await call('PATCH', todo._links.self.href, {json: patch, contentType: MERGE_PATCH, ifMatch: todo.version});
            replace(data, focus);
        } catch (error) {
            await changedElsewhere(todo, error, focus);
        }
    }

    async function changedElsewhere(todo, error, focus) {
        if (error.status === 412) {
            try {
                replace((await call('GET', todo._links.self.href)).data, focus);
                showError(`“${todo.title}” was changed somewhere else, so your change was not saved. `
                    + 'It now shows its current state; make your change again if you still want it.');
            } catch (reloadError) {
                if (reloadError.status === 404) {
                    forget(todo);
                }
                showError(reloadError);
            }
        } else {
            if (error.status === 404) {
                forget(todo); // deleted elsewhere
            } else {
                replace(todo, focus); // puts a checkbox the person ticked back to what is saved
            }
            showError(error);
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
                forget(todo);
                showStatus(`Deleted “${todo.title}”.`);
            } catch (error) {
                if (error.status !== 412 && error.status !== 404) {
                    throw error;
                }
                await changedElsewhere(todo, error, 'edit');
            }
        });
    }

    async function loadMore() {
        await attempt(() => load(state.next, true));
    }

    async function clearCompleted() {
        await attempt(async () => {
            await call('DELETE', withQuery(collection, {completed: 'true'}));
            await load(withQuery(collection, {completed: filter.completed, limit: PAGE_SIZE}), false);
            showStatus('Cleared the completed todos.');
        });
    }
}
