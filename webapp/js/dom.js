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

/**
 * A label and its control, joined by id so that assistive technology reads the label, with a place for the
 * field's error under the control. Errors name the field by its label, without an "(optional)" note; a control
 * that carries its own data-label (a visually hidden label, say) keeps it.
 */
export function field(id, labelText, control, hint) {
    control.id = id;
    control.dataset.label ??= labelText.replace(/\s*\(optional\)$/, '');
    const hintElement = hint ? h('span', {class: 'hint', id: `${id}-hint`}, hint) : null;
    if (hintElement) {
        control.setAttribute('aria-describedby', hintElement.id);
    }
    return h('div', {class: 'field'}, h('label', {for: id}, labelText), control, fieldError(control), hintElement);
}

/** The (empty, hidden) place for a control's error; {@link field} adds one, a bare control may add its own. */
export function fieldError(control) {
    return h('span', {class: 'field-error', id: `${control.id}-error`, hidden: true});
}

/**
 * The values of a form's named controls, trimmed, except passwords, which count as typed (spaces included);
 * empty ones are left out (the API refuses a blank query parameter, and a blank optional field means "none").
 */
export function formValues(form) {
    const values = {};
    for (const [name, value] of new FormData(form)) {
        const text = String(value);
        const typed = form.elements.namedItem(name)?.type === 'password' ? text : text.trim();
        if (typed.trim() !== '') {
            values[name] = typed;
        }
    }
    return values;
}

/**
 * Submits a form: reads its values, then disables its controls while {@code work(values)} runs, so a double
 * click cannot send it twice. The order is the point: FormData leaves disabled controls out, so values read
 * after disabling are empty (every book form once sent {} this way). Work never reads the form's controls
 * itself; it gets their values. A form already being submitted ignores another submit. Afterwards focus goes to
 * the first field the work marked invalid, or back to the control that had it (unless the work moved it).
 */
export async function whileSubmitting(form, work) {
    if (form.getAttribute('aria-busy') === 'true') {
        return undefined;
    }
    const values = formValues(form);
    const focused = form.contains(document.activeElement) ? document.activeElement : null;
    const controls = [...form.elements].filter(control => !control.disabled);
    form.setAttribute('aria-busy', 'true');
    controls.forEach(control => { control.disabled = true; });
    try {
        return await work(values);
    } finally {
        controls.forEach(control => { control.disabled = false; });
        form.removeAttribute('aria-busy');
        // a disabled control cannot take focus: only now can it go to the first field the answer found wrong
        const invalid = form.querySelector('[aria-invalid="true"]');
        if (invalid) {
            invalid.focus({preventScroll: true});
        } else if (focused?.isConnected && (document.activeElement === document.body || document.activeElement === null)) {
            focused.focus();
        }
    }
}

/** A form's submit listener: no page load, and the work gets the form's values (see {@link whileSubmitting}). */
export function onSubmit(work) {
    return event => {
        event.preventDefault();
        const form = event.currentTarget;
        return whileSubmitting(form, values => work(values, form));
    };
}

export function plural(count, one, many = `${one}s`) {
    return `${count} ${count === 1 ? one : many}`;
}

export function formatDate(iso) {
    return new Date(iso).toLocaleDateString(undefined, {year: 'numeric', month: 'short', day: 'numeric'});
}
