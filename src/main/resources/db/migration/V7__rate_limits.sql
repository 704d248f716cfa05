-- Token buckets of the limits that hold across instances on PostgreSQL: failed sign-ins per email and per client
-- address, sign-ups per client address (dev.quire.limits.JdbcBucketStore; on H2 these live in memory and this
-- table stays empty). bucket_key is the base64url SHA-256 of the limit's name and the key, never an email or an
-- address as such. full_at is when the bucket will be full again, which is its whole state: a bucket without a
-- row is full, and a row whose full_at has passed is deleted in batches by the takes that follow.

create table rate_limit_buckets (
    bucket_key varchar(43) not null primary key,
    full_at timestamp with time zone not null
);

create index rate_limit_buckets_full_at on rate_limit_buckets (full_at);
