-- Books: a shared catalogue, and reviews of its books.
--
-- title_key, author_key and genre_key are the lower-cased texts, so that filters and sorts are case-insensitive
-- with plain indexes (H2 has no expression indexes). publication_year avoids YEAR, a keyword in H2. isbn is
-- kept as ISBN-13 (an ISBN-10 is converted), so one book cannot be entered twice under its two numbers; it is
-- unique where given. created_by is null for the demo catalogue's books, which belong to no account.
-- rating_count and rating_sum summarise the book's reviews, and rating_average (null without reviews) is kept
-- with them so that sorting by rating uses an index. version grows with every change, reviews included.
-- Lengths are in characters with room for UTF-16 (H2 counts that way): 300 code points fit in 600.

create table books (
    id varchar(40) not null primary key,
    title varchar(600) not null,
    title_key varchar(600) not null,
    author varchar(600) not null,
    author_key varchar(600) not null,
    publication_year integer,
    genre varchar(200),
    genre_key varchar(200),
    isbn varchar(13),
    created_by varchar(40) references accounts (id) on delete set null,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null,
    version bigint not null,
    rating_count integer not null,
    rating_sum integer not null,
    rating_average decimal(3, 2)
);

create unique index books_isbn on books (isbn);
create index books_title on books (title_key, id);
create index books_author on books (author_key, id);
create index books_genre on books (genre_key, id);
create index books_year on books (publication_year, id);
create index books_created on books (created_at, id);
create index books_rating on books (rating_average, id);

create table reviews (
    id varchar(40) not null primary key,
    book_id varchar(40) not null references books (id) on delete cascade,
    author_id varchar(40) not null references accounts (id) on delete cascade,
    author_name varchar(400) not null,
    rating integer not null,
    body varchar(10000),
    created_at timestamp with time zone not null,
    constraint reviews_one_per_author unique (book_id, author_id)
);

create index reviews_book_created on reviews (book_id, created_at, id);
