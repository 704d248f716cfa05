-- Search on PostgreSQL: to be written (PostgresBookSearch).
select 1;
