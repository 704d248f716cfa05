// Building the page. Text always enters the document as text nodes (never as HTML), so a todo title or a
// review that contains markup is shown, not run; together with the page's Content-Security-Policy this is
// the whole defence against injected script.

/**
 * h('button', {type: 'button', onclick: fn}, 'Save') builds an element. Attributes whose name starts with
 * "on" become event listeners; true/false toggle boolean attributes; null and undefined are skipped.
 * Children are nodes, strings (added as text), or arrays of them; null/false children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (name.startsWith('on')) {
            element.addEventListener(name.slice(2), value);
        } else if (name === 'value') {
            element.value = value;
        } else {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    }
    append(element, children);
    return element;
}

function append(parent, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) {
            continue;
        }
        if (Array.isArray(child)) {
            append(parent, child);
        } else {
            parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    }
}

/** Replaces everything inside {@code element} with {@code children}. */
export function show(element, ...children) {
    element.replaceChildren();
    append(element, children);
}

/** A label and its control, joined by id so that assistive technology reads the label. */
export function field(id, labelText, control, hint) {
    control.id = id;
    const hintElement = hint ? h('span', {class: 'hint', id: `${id}-hint`}, hint) : null;
    if (hintElement) {
        control.setAttribute('aria-describedby', hintElement.id);
    }
    return h('div', {class: 'field'}, h('label', {for: id}, labelText), control, hintElement);
}

/** The values of a form's named controls, trimmed; empty ones are left out. */
export function formValues(form) {
    const values = {};
    for (const [name, value] of new FormData(form)) {
        const text = String(value).trim();
        if (text !== '') {
            values[name] = text;
        }
    }
    return values;
}

/** Disables a form's controls while {@code work} runs, so a double click cannot send it twice. */
export async function whileSubmitting(form, work) {
    const controls = [...form.elements].filter(control => !control.disabled);
    controls.forEach(control => { control.disabled = true; });
    try {
        return await work();
    } finally {
        controls.forEach(control => { control.disabled = false; });
    }
}

export function plural(count, one, many = `${one}s`) {
    return `${count} ${count === 1 ? one : many}`;
}

export function formatDate(iso) {
    return new Date(iso).toLocaleDateString(undefined, {year: 'numeric', month: 'short', day: 'numeric'});
}
