/**
 * The connection pool and the schema migrations. Features reach data only through their own store
 * interfaces, whose JDBC implementations borrow connections from here.
 */
package dev.quire.db;
