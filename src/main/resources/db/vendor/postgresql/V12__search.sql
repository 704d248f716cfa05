-- Search on PostgreSQL (PostgresBookSearch): its own full-text search, and the words of V5 for typo tolerance.
--
-- search is each book's text as English lexemes (stemmed, stop words left out), weighted by field: title A, author
-- B, genre C, description D, so that ts_rank_cd ranks a match in the title above one in the author, and so on.
-- It is made from the folded keys (BookKeys: lower case, no accents), as the search words are folded the same
-- way, and PostgreSQL computes it on every write of the row: no code keeps it, so no write can forget it. The GIN
-- index finds the books of a query's lexemes (fastupdate, the default, keeps each insert cheap).
--
-- book_words (V5) stays: the title's and author's words, folded and not stemmed, one row per book and word. It
-- gives the candidates a misspelt word is corrected to (BookStore.wordsLike), with their number of books, through
-- its primary key (word, book_id): a range of words with one first letter. pg_trgm is created for the trigram
-- index on those words, which ranks the candidates by similarity when one letter begins very many words.
-- pg_trgm is a trusted extension: the owner of the database may create it.

create extension if not exists pg_trgm;

alter table books add column search tsvector generated always as (
    setweight(to_tsvector('english', title_key), 'A')
    || setweight(to_tsvector('english', author_key), 'B')
    || setweight(to_tsvector('english', coalesce(genre_key, '')), 'C')
    || setweight(to_tsvector('english', coalesce(description_key, '')), 'D')
) stored;

create index books_search on books using gin (search);
