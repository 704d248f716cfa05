-- Todos: each account's private list.
--
-- position is the todo's "order" (a reserved word in SQL). title_key is the title lower-cased by Quire, for
-- case-insensitive sorting and searching with a plain index (H2 has no expression indexes). Titles sort by the
-- database's collation (H2: UTF-16 code units; PostgreSQL: the database's locale), so the two may order rare
-- characters differently; paging is consistent on each, as comparisons and ORDER BY use the same collation.
-- A title has at most 500 characters (code points): at most 1,000 UTF-16 units, lower-cased or not.
-- version starts at 1 and grows by one with every change; writes are conditional on it.
-- Each list order has an index that ends with the id, so keyset paging reads only the rows of the page.

create table todos (
    id varchar(40) not null primary key,
    owner_id varchar(40) not null references accounts (id) on delete cascade,
    title varchar(1000) not null,
    title_key varchar(1000) not null,
    completed boolean not null,
    position bigint not null,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null,
    version bigint not null
);

create index todos_owner_position on todos (owner_id, position, id);
create index todos_owner_created on todos (owner_id, created_at, id);
create index todos_owner_title on todos (owner_id, title_key, id);
