-- A book may have a short description (up to 2000 characters, so 4000 in UTF-16 units); description_key is its
-- folded form (see BookKeys and V5), which the search engines read. Genres are a controlled list from now on
-- (genres.tsv): a book stores its genre's name.
alter table books add column description varchar(4000);
alter table books add column description_key varchar(4000);
