/**
 * Books: the shared catalogue and its reviews. Owns the books and reviews tables. Anyone may read; signed-in
 * accounts add books and reviews; only a book's creator changes or deletes it, only a review's author deletes
 * it. Learns who is asking only from the caller's {@link dev.quire.identity.Session}.
 */
package dev.quire.books;
