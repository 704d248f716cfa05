// The shared catalogue: browsing with search, filters, sort and pages (all kept in the location's hash, so a
// reload or the back button returns to the same page), one book with its reviews, and the writes a signed-in
// account may make: add books, edit or delete its own, review any book once. A book's page follows the catalogue's
// change stream (live.js): new and deleted reviews and the rating appear in place, a book changed elsewhere is
// shown as it is now (unless its edit form is open: saving then says it changed), a book deleted elsewhere says so.
//
// The list searches as you type: a pause of a quarter of a second in the search box asks again, and only the
// newest answer is drawn (an older request still on its way is aborted, and its answer ignored if it comes all
// the same). The results, the genre chips with their counts and "did you mean" are redrawn in place, so the search
// box keeps focus and what is being typed; the hash follows (replaced while typing, a new history entry for a
// chip, a sort, the Search button), so a reload shows the same list and back returns to the list before.
import {call, link, links, withQuery} from './api.js';
import * as session from './session.js';
import {field, formatDate, h, onSubmit, plural, show} from './dom.js';
import {attempt, clearOutcome, flash, liveNote, outcomeBox, say, sayError} from './ui.js';
import {signInLink} from './signin.js';
import {follow} from './live.js';
import {highlighted, searchWords} from './highlight.js';

const LIST_PARAMETERS = ['q', 'author', 'genre', 'year_min', 'year_max', 'sort', 'page', 'per_page'];
const FILTERS = ['author', 'genre', 'year_min', 'year_max', 'sort', 'per_page'];
const SORTS = [
    ['relevance', 'Best match'],
    ['title', 'Title (A–Z)'], ['-title', 'Title (Z–A)'], ['author', 'Author (A–Z)'], ['-author', 'Author (Z–A)'],
    ['year', 'Oldest first'], ['-year', 'Newest first'], ['-rating', 'Best rated'], ['rating', 'Worst rated'],
    ['-createdAt', 'Recently added'], ['createdAt', 'First added'],
];
const PER_PAGE = ['10', '20', '50', '100'];
const DEFAULT_PER_PAGE = '20';
const LAST_LIST_KEY = 'quire.lastBookList';
/** How long the search box waits after a key before it asks: long enough not to ask for every letter. */
const SEARCH_DELAY_MS = 250;
const MAX_DESCRIPTION = 2000;

/** The order the API uses when none is asked for: the best matches first with a search, else by title. */
function defaultSort(query) {
    return query.q ? 'relevance' : 'title';
}

/** The query without blanks and without the values the API takes anyway, so that one list has one address. */
function normalised(query) {
    const clean = {};
    for (const name of LIST_PARAMETERS) {
        const value = query[name];
        if (value !== undefined && value !== null && String(value).trim() !== '') {
            clean[name] = String(value).trim();
        }
    }
    if (clean.sort === defaultSort(clean)) {
        delete clean.sort;
    }
    if (clean.per_page === DEFAULT_PER_PAGE) {
        delete clean.per_page;
    }
    if (clean.page === '1') {
        delete clean.page;
    }
    return clean;
}

export async function renderBooks(view, parameters) {
    const filterBox = outcomeBox();
    const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
    // "did you mean" is said as the summary is: politely, when the answer is drawn
    const correction = h('p', {class: 'did-you-mean', 'aria-live': 'polite'});
    const chips = h('div', {class: 'genre-chips', role: 'group', 'aria-label': 'Filter by genre', hidden: true});
    const list = h('ol', {class: 'book-list', 'aria-label': 'Books'});
    const empty = h('p', {class: 'empty', hidden: true});
    const pager = h('nav', {class: 'pager', 'aria-label': 'Pages'});
    const results = h('div', {class: 'books-results'}, summary, correction, chips, list, empty, pager);

    /** The query whose answer is on the page, or on its way. */
    let shown = normalised(Object.fromEntries(LIST_PARAMETERS.filter(name => parameters.has(name))
        .map(name => [name, parameters.get(name)])));
    let typing = null;
    /** What the search box holds as last typed, until it has been searched for. */
    let typed = null;
    let asking = null;
    let asked = 0;
    const filters = filterForm(shown, filterBox, {
        typed(text) {
            clearTimeout(typing);
            typed = text;
            if (shown.sort === undefined) {
                control(filters, 'sort').value = defaultSort({q: text.trim()}); // the order the search will have
            }
            typing = setTimeout(() => {
                typed = null;
                const next = normalised({...shown, q: text, page: undefined});
                if (listHash(next) !== listHash(shown) || filterBox.hasChildNodes()) {
                    search(next);
                }
            }, SEARCH_DELAY_MS);
        },
        submitted(values) {
            clearTimeout(typing);
            typed = null;
            if (shown.sort === undefined && values.sort === defaultSort(shown)) {
                delete values.sort; // the order the page filled in, not one chosen: it follows the search
            }
            search({...values, page: undefined}, {newEntry: true});
        },
        chose(name, value) {
            clearTimeout(typing);
            const q = typed ?? shown.q; // what the box holds: a search typed but not yet asked goes along
            typed = null;
            search({...shown, q, [name]: value, page: undefined}, {newEntry: true});
        },
        cleared() {
            clearTimeout(typing);
            typed = null;
            search({}, {newEntry: true, refill: true});
        },
    });
    view.append(h('h1', {}, 'Books'), h('div', {class: 'books-layout'}, filters, results));
    if (session.account()) {
        results.append(addBookForm());
    } else {
        results.append(h('p', {class: 'hint'}, signInLink('Sign in'), ' to add books and write reviews.'));
    }
    await search(shown);

    /**
     * Shows the list for {@code query}: the address follows at once (a new history entry if {@code newEntry}), the
     * results when the answer comes, unless a newer search has been started meanwhile.
     */
    async function search(query, {newEntry = false, refill = false} = {}) {
        if (!view.isConnected) {
            return; // the person has moved on to another view
        }
        shown = normalised(query);
        const hash = listHash(shown);
        if (hash !== (location.hash || '#/books')) {
            history[newEntry ? 'pushState' : 'replaceState'](null, '', hash);
        }
        sessionStorage.setItem(LAST_LIST_KEY, hash);
        fill(filters, shown, refill);
        asking?.abort();
        asking = new AbortController();
        const signal = asking.signal;
        const turn = ++asked;
        let data;
        try {
            const href = withQuery(await link('books'), {...shown, facets: 'genre'});
            ({data} = await call('GET', href, {signal}));
        } catch (error) {
            if (turn !== asked || !view.isConnected) {
                return; // aborted for a newer search, or too late to matter
            }
            clearOutcome({box: filterBox, form: filters});
            // a filter the API refuses is said under that filter, by its label ("Year from"), not at the top
            for (const part of [correction, chips, list, pager]) {
                part.hidden = true;
            }
            show(empty, error.status === 400 ? 'No books shown: the search needs a change.' : 'No books shown.');
            empty.hidden = false;
            summary.replaceChildren();
            sayError({box: filterBox, form: filters}, error);
            return;
        }
        if (turn !== asked || !view.isConnected) {
            return;
        }
        clearOutcome({box: filterBox, form: filters});
        draw(shown, data);
    }

    function draw(query, data) {
        const lastPage = Math.max(1, data.totalPages);
        const count = plural(data.total, 'book');
        show(summary, `Page ${data.page} of ${lastPage} (${data.totalIsEstimate ? `at least ${count}` : count})`);
        drawCorrection(query, data.didYouMean);
        drawChips(query, data);
        // the words marked are those of the search the books were found by: the correction, if there is one
        const words = searchWords(data.didYouMean ?? query.q ?? '');
        show(list, data.items.map(book => bookRow(book, words)));
        list.hidden = data.items.length === 0;
        show(empty, data.total === 0 ? 'No books match.' : 'This page is past the last one.');
        empty.hidden = data.items.length > 0;
        pager.hidden = false;
        show(pager,
            pageLink('First', 1, data._links.prev),
            pageLink('Previous', Math.min(data.page - 1, lastPage), data._links.prev),
            pageLink('Next', data.page + 1, data._links.next),
            pageLink('Last', lastPage, data.page !== lastPage));

        function pageLink(text, page, exists) {
            if (!exists) {
                return h('span', {class: 'button secondary', 'aria-disabled': 'true'}, text);
            }
            const href = listHash({...query, page: page === 1 ? undefined : page});
            return h('a', {class: 'button secondary', href}, text);
        }
    }

    /** "No books match “dnue”. Showing results for “dune”.", the correction a button that searches for it. */
    function drawCorrection(query, didYouMean) {
        correction.hidden = !didYouMean;
        if (!didYouMean) {
            correction.replaceChildren();
            return;
        }
        const searchForIt = () => {
            clearTimeout(typing);
            typed = null;
            const box = control(filters, 'q');
            box.value = didYouMean;
            box.focus();
            search({...shown, q: didYouMean, page: undefined});
        };
        const use = h('button', {type: 'button', class: 'link', 'aria-label': `Search for “${didYouMean}”`,
            onclick: searchForIt}, didYouMean);
        show(correction, `No books match “${query.q}”. Showing results for “`, use, '”.');
    }

    /**
     * A chip for each genre with matches ("Science fiction (12)": the count under the search and every other
     * filter); the chosen genre's is pressed, and pressing it again lets the genre go.
     */
    function drawChips(query, data) {
        const genres = data.facets?.genre ?? [];
        // the API names the chosen genre by its slug in its own link, whichever name or alias was asked for
        const chosen = query.genre === undefined ? null
            : new URL(data._links.self.href, document.baseURI).searchParams.get('genre');
        const items = genres.filter(genre => genre.count > 0 || genre.slug === chosen);
        if (chosen !== null && !items.some(genre => genre.slug === chosen)) {
            items.push({slug: chosen, name: query.genre, count: 0});
        }
        const focused = chips.contains(document.activeElement) ? document.activeElement.dataset.slug : null;
        show(chips, items.map(genre => {
            const pressed = genre.slug === chosen;
            return h('button', {type: 'button', class: 'chip', 'data-slug': genre.slug,
                'aria-pressed': String(pressed), onclick: () => filters.chose('genre', pressed ? undefined : genre.slug)},
            `${genre.name} (${genre.count})`);
        }));
        chips.hidden = items.length === 0;
        if (focused !== null) {
            chips.querySelector(`[data-slug="${CSS.escape(focused)}"]`)?.focus();
        }
    }
}

function listHash(query) {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== null && value !== '') {
            parameters.set(name, value);
        }
    }
    const search = parameters.toString();
    return search ? `#/books?${search}` : '#/books';
}

/**
 * The search and its filters. On a phone only the search shows, with a "Filters" button that unfolds the rest
 * (and says how many are in use), so that the results start above the fold; on a wider screen all of it shows.
 * The search box searches as it is typed in ({@code on.typed}), the two lists when a choice is made
 * ({@code on.chose}), the other filters with the Search button or Enter ({@code on.submitted}).
 */
function filterForm(query, box, on) {
    const input = (name, attributes = {}) => h('input', {name, value: query[name] ?? '', ...attributes});
    const select = (name, options) => h('select', {name, onchange: event => on.chose(name, event.target.value)},
        options.map(([value, label]) => h('option', {value}, label)));
    const more = h('div', {class: 'more-filters', id: 'book-filters-more', 'data-fold': ''},
        field('book-author', 'Author', input('author')),
        field('book-genre', 'Genre', input('genre'), 'A name, or an alias such as sci-fi'),
        field('book-year-min', 'Year from', input('year_min', {inputmode: 'numeric', size: 6})),
        field('book-year-max', 'Year to', input('year_max', {inputmode: 'numeric', size: 6})),
        field('book-sort', 'Sort by', select('sort', SORTS)),
        field('book-per-page', 'Per page', select('per_page', PER_PAGE.map(n => [n, n]))));
    const toggle = h('button', {type: 'button', class: 'secondary filters-toggle', 'aria-expanded': 'false',
        'aria-controls': more.id, onclick: () => {
            toggle.setAttribute('aria-expanded', String(more.classList.toggle('open')));
        }}, 'Filters');
    const form = h('form', {class: 'filters-form', role: 'search', 'aria-label': 'Find books',
        onsubmit: onSubmit(values => {
            // not awaited: the controls are free again at once, so the box takes keys while the answer comes
            on.submitted(values);
        })},
    field('book-q', 'Search', input('q', {type: 'search', autocomplete: 'off', spellcheck: 'false',
        oninput: event => on.typed(event.target.value)}), 'Words, "a phrase", -leave-out'),
    more,
    h('div', {class: 'form-actions'},
        h('button', {type: 'submit'}, 'Search'),
        toggle,
        h('a', {href: '#/books', class: 'button secondary', onclick: event => {
            event.preventDefault();
            on.cleared();
        }}, 'Clear')),
    box);
    form.chose = on.chose;
    fill(form, query, false);
    return form;
}

/**
 * Makes the filters show {@code query}: the lists always (the sort follows the search: "Best match" with one,
 * by title without, unless another order was chosen), the text filters when {@code all} (the search box is left
 * as typed otherwise), and the count of filters in use on the phone's "Filters" button.
 */
function fill(form, query, all) {
    const set = (name, value) => {
        control(form, name).value = value;
    };
    if (all) {
        for (const name of ['q', 'author', 'genre', 'year_min', 'year_max']) {
            set(name, query[name] ?? '');
        }
    } else {
        set('genre', query.genre ?? ''); // a chip chooses the genre too
    }
    set('sort', query.sort ?? defaultSort(query));
    set('per_page', query.per_page ?? DEFAULT_PER_PAGE);
    const inUse = FILTERS.filter(name => query[name] !== undefined).length;
    show(form.querySelector('.filters-toggle'), inUse > 0 ? `Filters (${inUse} on)` : 'Filters');
}

/** The control named {@code name} in {@code form}, for the page to set (forms are read through onSubmit only). */
function control(form, name) {
    return form.querySelector(`[name="${name}"]`);
}

function bookRow(book, words = []) {
    return h('li', {class: 'book'},
        h('a', {class: 'book-title', href: `#/books/${encodeURIComponent(book.id)}`}, highlighted(book.title, words)),
        h('span', {class: 'by'}, ' by ', h('a', {href: listHash({author: book.author})}, highlighted(book.author, words))),
        h('span', {class: 'meta'}, [book.year, book.genre].filter(v => v !== null).join(' · ')),
        h('span', {class: 'rating'}, ratingText(book.rating)));
}

function ratingText(rating) {
    return rating.count === 0 ? 'No reviews yet' : `★ ${Number(rating.average).toFixed(2)} (${plural(rating.count, 'review')})`;
}

/** The fields of a book form, filled with {@code book}'s values when editing. */
function bookFields(prefix, book = {}) {
    const value = name => book[name] ?? '';
    return [
        field(`${prefix}-title`, 'Title', h('input', {name: 'title', required: true, maxlength: 300, value: value('title')})),
        field(`${prefix}-author`, 'Author', h('input', {name: 'author', required: true, maxlength: 300, value: value('author')})),
        field(`${prefix}-year`, 'Year (optional)', h('input', {name: 'year', inputmode: 'numeric', size: 6, value: value('year')})),
        field(`${prefix}-genre`, 'Genre (optional)', genreSelect(book.genre ?? null)),
        field(`${prefix}-isbn`, 'ISBN (optional)', h('input', {name: 'isbn', maxlength: 20, value: value('isbn')}), 'ISBN-10 or ISBN-13'),
        field(`${prefix}-description`, 'Description (optional)',
            h('textarea', {name: 'description', rows: 4, maxlength: MAX_DESCRIPTION, value: value('description')}),
            'Up to 2,000 characters'),
    ];
}

let genreNames = null;

/**
 * The catalogue's genres (GET api/genres, fetched once per page load: the list is fixed by the server), by name.
 * The entry point links them as "genres"; a server that does not yet link them has them beside the books.
 */
function genres() {
    genreNames ??= (async () => {
        const all = await links();
        const href = all.genres?.href ?? all.books.href.replace(/books$/, 'genres');
        return (await call('GET', href)).data.items.map(genre => genre.name);
    })().catch(error => {
        genreNames = null; // asked again by the next form
        throw error;
    });
    return genreNames;
}

/**
 * A book's genre, chosen from the catalogue's list (the API takes a slug, a name or an alias; the page sends the
 * name, which is what the book then shows). {@code current} is the book's genre when editing, kept as an option
 * even if the list lacks it. Until the list arrives, the choices are none and the current genre.
 */
function genreSelect(current) {
    const option = (value, label, selected = false) => h('option', {value, selected}, label);
    const select = h('select', {name: 'genre'}, option('', 'None'), current && option(current, current, true));
    genres().then(names => {
        const chosen = select.value;
        const known = names.find(name => name.toLowerCase() === chosen.toLowerCase());
        show(select, option('', 'None'), chosen !== '' && !known ? option(chosen, chosen) : null,
            names.map(name => option(name, name)));
        select.value = known ?? chosen;
        select.dataset.loaded = 'true';
    }, () => {
        // without the list the form still adds and edits a book, with the genre it has (or none)
        select.dataset.loaded = 'false';
    });
    return select;
}

/** A book form's values as the API takes them: a year that is a whole number is sent as one. */
function bookBody(values) {
    const body = {...values};
    if (body.year !== undefined && /^-?\d+$/.test(body.year)) {
        body.year = Number(body.year);
    }
    return body;
}

function addBookForm() {
    const box = outcomeBox();
    const form = h('form', {class: 'card', 'aria-label': 'Add a book', onsubmit: onSubmit(async (values, form) => {
        const created = await attempt(async () =>
            (await call('POST', await link('books'), {json: bookBody(values)})).data, {box, form});
        if (created) {
            const target = `#/books/${encodeURIComponent(created.id)}`;
            flash(`Added “${created.title}”.`, target);
            location.hash = target;
        }
    })}, bookFields('new-book'), h('button', {type: 'submit'}, 'Add book'), box);
    return h('details', {class: 'add-book'}, h('summary', {}, 'Add a book'), form);
}

export async function renderBook(view, id) {
    const books = await link('books');
    const href = `${books}/${encodeURIComponent(id)}`;
    // outcomes that outlive a redraw of the book (after a save, say): each redraw puts them back in place
    const bookBox = outcomeBox();
    const reviewsBox = outcomeBox();
    const note = liveNote();
    /**
     * The book as the page shows it: its version (which each review changes too, with the rating), its rating, and
     * the book as last drawn. An event whose version is not newer is already on the page.
     */
    const shown = {version: -1, rating: null, book: null};
    /** A newer state of the book that came while its edit form or deletion was open: drawn once they close. */
    let waiting = null;
    const goneReviews = new Set();
    let article = null;
    // the reviews section's parts, which events change in place
    let section = null;
    let reviewList = null;
    let reviewsHeading = null;
    let noReviews = null;
    let form = null;

    const live = follow({view, href: `${books}/events`, signedIn: false, onEvent: received, onResync: refresh});
    await live.ready;
    try {
        await draw();
    } catch (error) {
        live.stop();
        throw error;
    } finally {
        live.release();
    }

    /** Runs one of the page's own writes: events wait until its answer is in, so they find it already shown. */
    function own(write) {
        return live.during(write);
    }

    function read() {
        return Promise.all([call('GET', href), call('GET', `${href}/reviews`)]);
    }

    /** Draws the whole page from what the API says now; events wait meanwhile (they may be in what it reads). */
    function draw() {
        return live.during(async () => {
            const [{data: book}, {data: reviews}] = await read();
            const me = session.account();
            const back = sessionStorage.getItem(LAST_LIST_KEY) ?? '#/books';
            bookBox.replaceChildren();
            reviewsBox.replaceChildren();
            Object.assign(shown, {version: book.version, rating: book.rating, book});
            waiting = null;
            article = bookArticle(book, me);
            show(view,
                h('p', {}, h('a', {href: back}, '← All books')),
                note,
                h('div', {class: 'book-layout'}, article, reviewsSection(book, reviews, me)));
        });
    }

    function bookArticle(book, me) {
        const mine = me !== null && book.createdBy === me.accountId;
        return h('article', {class: 'book-detail', 'aria-labelledby': 'book-title'},
            h('h1', {id: 'book-title'}, book.title),
            h('dl', {class: 'facts'},
                fact('Author', h('a', {href: listHash({author: book.author})}, book.author)),
                fact('Year', book.year ?? '—'),
                fact('Genre', book.genre ?? '—'),
                fact('ISBN', book.isbn ?? '—'),
                fact('Rating', h('span', {class: 'rating', id: 'book-rating'}, ratingText(book.rating))),
                fact('Added', book.createdBy === null ? 'with the demo catalogue'
                    : `${formatDate(book.createdAt)}${mine ? ' by you' : ''}`)),
            book.description && h('p', {class: 'description', id: 'book-description'}, book.description),
            mine && ownerControls(book),
            bookBox);
    }

    function fact(term, description) {
        return [h('dt', {}, term), h('dd', {}, description)];
    }

    /** Whether the person is working on the book itself: its edit form or its deletion is open. */
    function workingOnTheBook() {
        return article?.querySelector('form, .confirm') != null;
    }

    /** Draws the book's details again (as {@code book}, with the newest rating), keeping focus on the same button. */
    function redrawArticle(book) {
        waiting = null;
        shown.book = book;
        const focused = article.contains(document.activeElement) ? document.activeElement.textContent : null;
        const fresh = bookArticle({...book, rating: shown.rating}, session.account());
        article.replaceWith(fresh);
        article = fresh;
        if (focused !== null) {
            [...fresh.querySelectorAll('a, button')].find(control => control.textContent === focused)?.focus();
        }
    }

    /** Puts back the owner's buttons in place of the form or question that replaced them. */
    function putBack(part, controls) {
        part.replaceWith(controls);
        if (waiting !== null) {
            redrawArticle(waiting); // changed elsewhere while the form was open
        }
        article.querySelector('.owner-controls button')?.focus();
    }

    function ownerControls(book) {
        const controls = h('div', {class: 'form-actions owner-controls'},
            h('button', {type: 'button', class: 'secondary', onclick: () => {
                clearOutcome({box: bookBox});
                controls.replaceWith(editForm(book, controls));
            }}, 'Edit book'),
            h('button', {type: 'button', class: 'danger', onclick: () => {
                clearOutcome({box: bookBox});
                controls.replaceWith(confirmDelete(book, controls));
            }}, 'Delete book'));
        return controls;
    }

    function editForm(book, controls) {
        const box = outcomeBox();
        const form = h('form', {class: 'card', 'aria-label': 'Edit book', onsubmit: onSubmit(async (values, form) => {
            // sent with the version the form was opened on: if the book changed since, the answer is 412
            const saved = await attempt(() => own(() => unlessChanged(async () => {
                const {data} = await call('PUT', href, {json: bookBody(values), ifMatch: book.version});
                shown.version = Math.max(shown.version, data.version); // the stream's word of it is no news
                return data;
            })), {box, form});
            if (saved) {
                await attempt(draw, {box: bookBox});
                say(bookBox, `Saved “${saved.title}”.`);
                view.querySelector('.owner-controls button')?.focus();
            }
        })}, bookFields('edit-book', book),
        h('div', {class: 'form-actions'},
            h('button', {type: 'submit'}, 'Save'),
            h('button', {type: 'button', class: 'secondary', onclick: () => putBack(form, controls)}, 'Cancel')),
        box);
        queueMicrotask(() => form.elements.title.focus());
        return form;
    }

    function confirmDelete(book, controls) {
        const box = outcomeBox();
        const group = h('div', {class: 'confirm', role: 'group', 'aria-label': 'Confirm deletion'},
            h('p', {}, `Delete “${book.title}” and its reviews? This cannot be undone.`),
            h('div', {class: 'form-actions'},
                h('button', {type: 'button', class: 'danger', onclick: async () => {
                    const deleted = await attempt(() => own(() => unlessChanged(async () => {
                        await call('DELETE', href, {ifMatch: book.version});
                        live.stop(); // the page goes; the stream's word of the deletion is not for it
                        return true;
                    })), {box});
                    if (deleted) {
                        const target = sessionStorage.getItem(LAST_LIST_KEY) ?? '#/books';
                        flash(`Deleted “${book.title}”.`, target);
                        location.hash = target;
                    }
                }}, 'Yes, delete it'),
                h('button', {type: 'button', class: 'secondary', onclick: () => putBack(group, controls)}, 'Keep it')),
            box);
        queueMicrotask(() => group.querySelector('button').focus());
        return group;
    }

    /**
     * Runs a conditional write; if the book changed meanwhile (412), shows it as it is now and says so next to
     * it (the form that was sent goes with the redraw). Resolves to undefined then.
     */
    async function unlessChanged(write) {
        try {
            return await write();
        } catch (error) {
            if (error.status !== 412) {
                throw error;
            }
            await draw();
            sayError({box: bookBox}, 'This book was changed somewhere else, so your change was not saved. '
                + 'It now shows its current state; make your change again if you still want it.');
            return undefined;
        }
    }

    function reviewsSection(book, page, me) {
        reviewList = h('ul', {class: 'reviews'}, page.items.map(review => reviewItem(review, me)));
        reviewsHeading = h('h2', {id: 'reviews-title'});
        noReviews = h('p', {class: 'empty'}, 'No reviews yet.');
        let more = null;
        if (page._links.next) {
            let next = page._links.next.href;
            more = h('button', {type: 'button', class: 'secondary', onclick: () => attempt(async () => {
                const {data} = await call('GET', next);
                const drawn = new Set([...reviewList.children].map(li => li.dataset.id));
                reviewList.append(...data.items.filter(review => !drawn.has(review.id)).map(review => reviewItem(review, me)));
                next = data._links.next?.href;
                more.hidden = !next;
            }, {box: reviewsBox})}, 'Show older reviews');
        }
        const ownReview = me !== null && page.items.some(review => review.authorId === me.accountId);
        form = me === null || ownReview ? null : reviewForm(book);
        section = h('section', {class: 'reviews-section', 'aria-labelledby': 'reviews-title'},
            reviewsHeading,
            reviewsBox,
            noReviews,
            reviewList,
            more,
            me === null ? h('p', {class: 'hint'}, signInLink('Sign in'), ' to review this book.') : form);
        countReviews(page.total);
        return section;
    }

    function countReviews(total) {
        show(reviewsHeading, `Reviews (${total})`);
        noReviews.hidden = total > 0;
        reviewList.hidden = total === 0;
    }

    function reviewItem(review, me) {
        const byMe = me !== null && review.authorId === me.accountId;
        return h('li', {class: 'review', 'data-id': review.id, 'data-author': review.authorId},
            h('p', {class: 'review-head'},
                h('span', {class: 'stars', 'aria-label': `${review.rating} out of 5`}, '★'.repeat(review.rating) + '☆'.repeat(5 - review.rating)),
                ' ', h('strong', {}, byMe ? 'You' : review.authorName), ` · ${formatDate(review.createdAt)}`),
            review.text && h('p', {class: 'review-text'}, review.text),
            byMe && h('button', {type: 'button', class: 'danger small', onclick: async () => {
                const deleted = await attempt(() => own(async () => {
                    await call('DELETE', review._links.self.href);
                    await draw();
                    return true;
                }), {box: reviewsBox});
                if (deleted) {
                    say(reviewsBox, 'Deleted your review.');
                    view.querySelector('#review-rating')?.focus({preventScroll: true});
                }
            }}, 'Delete my review'));
    }

    function reviewForm(book) {
        const box = outcomeBox();
        return h('form', {class: 'card', 'aria-labelledby': 'review-form-title', onsubmit: onSubmit(async (values, form) => {
            const body = {rating: Number(values.rating)};
            if (values.text !== undefined) {
                body.text = values.text;
            }
            const added = await attempt(() => own(async () => {
                await call('POST', `${href}/reviews`, {json: body});
                await draw();
                return true;
            }), {box, form});
            if (added) {
                say(reviewsBox, 'Thank you for your review.');
            }
        })},
        h('h3', {id: 'review-form-title'}, `Review “${book.title}”`),
        field('review-rating', 'Rating', h('select', {name: 'rating'},
            [5, 4, 3, 2, 1].map(n => h('option', {value: n}, `${n} – ${'★'.repeat(n)}`)))),
        field('review-text', 'Review (optional)', h('textarea', {name: 'text', rows: 4, maxlength: 5000})),
        h('button', {type: 'submit'}, 'Post review'),
        box);
    }

    /**
     * The review form follows the account's own review: it goes when one appears (unless something is typed in
     * it: sending it then says the book has a review already), and comes back when it is deleted.
     */
    function followOwnReview() {
        const me = session.account();
        if (me === null) {
            return;
        }
        const ownReview = reviewList.querySelector(`li[data-author="${CSS.escape(me.accountId)}"]`) !== null;
        if (ownReview && form?.isConnected && form.querySelector('textarea').value.trim() === '' && !form.contains(document.activeElement)) {
            form.remove();
            form = null;
        } else if (!ownReview && !form?.isConnected) {
            form = reviewForm(shown.book);
            section.append(form);
        }
    }

    /** The rating (and the count of reviews) as of {@code rated} ({id, version, rating}); false if not newer. */
    function rate(rated) {
        if (rated.version <= shown.version) {
            return false;
        }
        shown.version = rated.version;
        shown.rating = rated.rating;
        const rating = view.querySelector('#book-rating');
        if (rating) {
            show(rating, ratingText(rated.rating));
        }
        countReviews(rated.rating.count);
        return true;
    }

    function ratingNow() {
        return shown.rating.count === 0 ? 'It has no reviews now.' : `The rating is now ${ratingText(shown.rating)}.`;
    }

    /** An event from the stream; most are about other books. */
    function received(type, data) {
        if (type === 'review.created' && data.book.id === id) {
            const review = {...data.review, _links: {self: {href: `${href}/reviews/${encodeURIComponent(data.review.id)}`}}};
            let added = false;
            if (!goneReviews.has(review.id) && !reviewList.querySelector(`li[data-id="${CSS.escape(review.id)}"]`)) {
                reviewList.prepend(reviewItem(review, session.account()));
                added = true;
            }
            const rated = rate(data.book);
            followOwnReview();
            if (added || rated) {
                tell(`New review by ${review.authorName}: ${review.rating} out of 5. ${ratingNow()}`);
            }
        } else if (type === 'review.deleted' && data.book.id === id) {
            goneReviews.add(data.id);
            const li = reviewList.querySelector(`li[data-id="${CSS.escape(data.id)}"]`);
            if (li) {
                if (li.contains(document.activeElement)) {
                    reviewsHeading.tabIndex = -1;
                    reviewsHeading.focus({preventScroll: true});
                }
                li.remove();
            }
            const rated = rate(data.book);
            followOwnReview();
            if (li || rated) {
                tell(`A review was deleted. ${ratingNow()}`);
            }
        } else if (type === 'book.updated' && data.id === id) {
            if (data.version <= shown.version) {
                return;
            }
            shown.version = data.version;
            shown.rating = data.rating;
            if (workingOnTheBook()) {
                waiting = data;
                tell('This book was changed elsewhere while you had it open here.');
            } else {
                redrawArticle(data);
                tell('This book’s details were changed elsewhere.');
            }
        } else if (type === 'book.deleted' && data.id === id) {
            closed();
        }
    }

    function tell(text) {
        show(note, text);
    }

    /** The book was deleted (elsewhere): the page says so, and stops following the catalogue. */
    function closed() {
        live.stop();
        const focused = view.contains(document.activeElement);
        const heading = h('h1', {tabindex: -1}, shown.book?.title ?? 'This book');
        show(view, h('p', {}, h('a', {href: sessionStorage.getItem(LAST_LIST_KEY) ?? '#/books'}, '← All books')),
            heading, note);
        tell('This book was deleted elsewhere: it is no longer in the catalogue.');
        if (focused) {
            heading.focus({preventScroll: true});
        }
    }

    /**
     * After a reset, or a reconnection with nothing to resume from: the book and its first reviews as they are
     * now, without disturbing a form in use (the edit form keeps its version: saving says the book changed).
     */
    async function refresh() {
        let book;
        let reviews;
        try {
            [{data: book}, {data: reviews}] = await read();
        } catch (error) {
            if (error.status === 404) {
                closed();
                return;
            }
            throw error;
        }
        if (book.version === shown.version) {
            return; // nothing changed meanwhile
        }
        Object.assign(shown, {version: book.version, rating: book.rating});
        if (workingOnTheBook()) {
            waiting = book;
            show(view.querySelector('#book-rating'), ratingText(book.rating));
        } else {
            redrawArticle(book);
        }
        const me = session.account();
        if (reviewList.contains(document.activeElement)) {
            reviewsHeading.tabIndex = -1;
            reviewsHeading.focus({preventScroll: true});
        }
        show(reviewList, reviews.items.filter(review => !goneReviews.has(review.id)).map(review => reviewItem(review, me)));
        countReviews(reviews.total);
        followOwnReview();
        tell('This book changed while the page was not connected: it now shows it as it is.');
    }
}
