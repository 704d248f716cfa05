/**
 * Change events: the outbox every change writes its event to in its own transaction, the sequencer that gives
 * committed events their positions in order, and the hub that reads them and hands them to whoever listens on this
 * instance (woken by this instance's writes, by PostgreSQL's NOTIFY from the others, and by a poll). Below the
 * features, like {@code db}: it knows events as rows, not todos or books.
 */
package dev.quire.events;
