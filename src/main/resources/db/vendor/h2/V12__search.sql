-- On H2 the catalogue is searched through a Lucene index beside the database (LuceneBookSearch), which keeps its
-- own words: the word table of V5 is no longer needed.
drop table book_words;
