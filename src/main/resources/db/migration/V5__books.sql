-- Books: a shared catalogue, and reviews of its books.
--
-- title_key, author_key and genre_key are the texts folded (lower case, accents removed: see BookKeys), so that
-- filters and sorts ignore case and accents with plain indexes (H2 has no expression indexes). They compare by
-- code point on both databases: ${key_collation} is collate "C" on PostgreSQL and nothing on H2, which compares
-- strings that way already. book_words is the search index: each word of a book's folded title and author.
-- publication_year avoids YEAR, a keyword in H2. isbn is kept as ISBN-13 (an ISBN-10 is converted), so one book
-- cannot be entered twice under its two numbers; it is unique where given. created_by is null for the demo
-- catalogue's books, which belong to no account. rating_count and rating_sum summarise the book's reviews, and
-- rating_average (null without reviews) is kept with them so that sorting by rating uses an index. version grows
-- with every change, reviews included. Every sort has an index in its order, ending with id; year and rating,
-- which may be null, have one per direction, as both directions put nulls last. Accounts cannot be deleted yet;
-- when they can, their books and reviews need a decision (and the rating summaries an update), hence no cascade.
-- Lengths are in characters with room for UTF-16 (H2 counts that way): 300 code points fit in 600.

create table books (
    id varchar(40) not null primary key,
    title varchar(600) not null,
    title_key varchar(1000) ${key_collation} not null,
    author varchar(600) not null,
    author_key varchar(1000) ${key_collation} not null,
    publication_year integer,
    genre varchar(200),
    genre_key varchar(1000) ${key_collation},
    isbn varchar(13),
    created_by varchar(40) references accounts (id),
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
create index books_year on books (publication_year asc nulls last, id asc);
create index books_year_desc on books (publication_year desc nulls last, id desc);
create index books_created on books (created_at, id);
create index books_rating on books (rating_average asc nulls last, id asc);
create index books_rating_desc on books (rating_average desc nulls last, id desc);

create table book_words (
    word varchar(100) ${key_collation} not null,
    book_id varchar(40) not null references books (id) on delete cascade,
    primary key (word, book_id)
);

create index book_words_book on book_words (book_id, word);

create table reviews (
    id varchar(40) not null primary key,
    book_id varchar(40) not null references books (id) on delete cascade,
    author_id varchar(40) not null references accounts (id),
    author_name varchar(400) not null,
    rating integer not null,
    body varchar(10000),
    created_at timestamp with time zone not null,
    constraint reviews_one_per_author unique (book_id, author_id)
);

create index reviews_book_created on reviews (book_id, created_at, id);
