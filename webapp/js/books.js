// The shared catalogue: browsing with search, filters, sort and pages (all kept in the location's hash, so a
// reload or the back button returns to the same page), one book with its reviews, and the writes a signed-in
// account may make: add books, edit or delete its own, review any book once. A book's page follows the catalogue's
// change stream (live.js): new and deleted reviews and the rating appear in place, a book changed elsewhere is
// shown as it is now (unless its edit form is open: saving then says it changed), a book deleted elsewhere says so.
import {call, link, withQuery} from './api.js';
import * as session from './session.js';
import {field, formatDate, h, onSubmit, plural, show} from './dom.js';
import {attempt, clearOutcome, flash, liveNote, outcomeBox, say, sayError} from './ui.js';
import {signInLink} from './signin.js';
import {follow} from './live.js';

const LIST_PARAMETERS = ['q', 'author', 'genre', 'year_min', 'year_max', 'sort', 'page', 'per_page'];
const FILTERS = ['author', 'genre', 'year_min', 'year_max', 'sort', 'per_page'];
const SORTS = [
    ['title', 'Title (A–Z)'], ['-title', 'Title (Z–A)'], ['author', 'Author (A–Z)'], ['-author', 'Author (Z–A)'],
    ['year', 'Oldest first'], ['-year', 'Newest first'], ['-rating', 'Best rated'], ['rating', 'Worst rated'],
    ['-createdAt', 'Recently added'], ['createdAt', 'First added'],
];
const PER_PAGE = ['10', '20', '50', '100'];
const LAST_LIST_KEY = 'quire.lastBookList';

export async function renderBooks(view, parameters) {
    const query = Object.fromEntries(LIST_PARAMETERS.filter(name => parameters.has(name)).map(name => [name, parameters.get(name)]));
    sessionStorage.setItem(LAST_LIST_KEY, location.hash || '#/books');

    const filterBox = outcomeBox();
    const filters = filterForm(query, filterBox);
    const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
    const list = h('ol', {class: 'book-list', 'aria-label': 'Books'});
    const pager = h('nav', {class: 'pager', 'aria-label': 'Pages'});
    const results = h('div', {class: 'books-results'}, summary, list, pager);
    view.append(h('h1', {}, 'Books'), h('div', {class: 'books-layout'}, filters, results));
    if (session.account()) {
        results.append(addBookForm());
    } else {
        results.append(h('p', {class: 'hint'}, signInLink('Sign in'), ' to add books and write reviews.'));
    }

    let data;
    try {
        ({data} = await call('GET', withQuery(await link('books'), query)));
    } catch (error) {
        // a filter the API refuses is said under that filter, by its label ("Year from"), not at the top
        list.remove();
        pager.remove();
        show(summary, error.status === 400 ? 'No books shown: the search needs a change.' : 'No books shown.');
        sayError({box: filterBox, form: filters}, error);
        return;
    }
    const lastPage = Math.max(1, data.totalPages);
    show(summary, `Page ${data.page} of ${lastPage} (${plural(data.total, 'book')})`);
    show(list, data.items.map(bookRow));
    if (data.items.length === 0) {
        list.replaceWith(h('p', {class: 'empty'}, data.total === 0 ? 'No books match.' : 'This page is past the last one.'));
    }
    show(pager,
        pageLink('First', 1, data._links.prev),
        pageLink('Previous', Math.min(data.page - 1, lastPage), data._links.prev),
        pageLink('Next', data.page + 1, data._links.next),
        pageLink('Last', lastPage, data.page !== lastPage));

    function pageLink(text, page, exists) {
        if (!exists) {
            return h('span', {class: 'button secondary', 'aria-disabled': 'true'}, text);
        }
        return h('a', {class: 'button secondary', href: listHash({...query, page: page === 1 ? undefined : page})}, text);
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
 */
function filterForm(query, box) {
    const input = (name, attributes = {}) => h('input', {name, value: query[name] ?? '', ...attributes});
    const select = (name, options, fallback) => h('select', {name},
        options.map(([value, label]) => h('option', {value, selected: (query[name] ?? fallback) === value}, label)));
    const inUse = FILTERS.filter(name => query[name] !== undefined).length;
    const more = h('div', {class: 'more-filters', id: 'book-filters-more', 'data-fold': ''},
        field('book-author', 'Author', input('author')),
        field('book-genre', 'Genre', input('genre')),
        field('book-year-min', 'Year from', input('year_min', {inputmode: 'numeric', size: 6})),
        field('book-year-max', 'Year to', input('year_max', {inputmode: 'numeric', size: 6})),
        field('book-sort', 'Sort by', select('sort', SORTS, 'title')),
        field('book-per-page', 'Per page', select('per_page', PER_PAGE.map(n => [n, n]), '20')));
    const toggle = h('button', {type: 'button', class: 'secondary filters-toggle', 'aria-expanded': 'false',
        'aria-controls': more.id, onclick: () => {
            toggle.setAttribute('aria-expanded', String(more.classList.toggle('open')));
        }}, inUse > 0 ? `Filters (${inUse} on)` : 'Filters');
    return h('form', {class: 'filters-form', role: 'search', 'aria-label': 'Find books', onsubmit: onSubmit(values => {
        // a new search starts from the first page; the API checks every value and names the bad ones
        location.hash = listHash({...values, page: undefined});
    })},
    field('book-q', 'Search title or author', input('q', {type: 'search'})),
    more,
    h('div', {class: 'form-actions'},
        h('button', {type: 'submit'}, 'Search'),
        toggle,
        h('a', {href: '#/books', class: 'button secondary'}, 'Clear')),
    box);
}

function bookRow(book) {
    return h('li', {class: 'book'},
        h('a', {class: 'book-title', href: `#/books/${encodeURIComponent(book.id)}`}, book.title),
        h('span', {class: 'by'}, ' by ', h('a', {href: listHash({author: book.author})}, book.author)),
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
        field(`${prefix}-genre`, 'Genre (optional)', h('input', {name: 'genre', maxlength: 100, value: value('genre')})),
        field(`${prefix}-isbn`, 'ISBN (optional)', h('input', {name: 'isbn', maxlength: 20, value: value('isbn')}), 'ISBN-10 or ISBN-13'),
    ];
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
