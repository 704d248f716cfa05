-- Identity: accounts and their sessions.
--
-- email keeps the address as the person typed it (trimmed); email_key is its lower-case form, unique, so
-- addresses are compared case-insensitively. An address has at most 254 characters (code points); as UTF-16
-- (H2 counts that way) and after lower-casing ('İ' becomes two) that is at most 508, so both columns hold 600.
-- password_hash is an Argon2id PHC string; no plaintext password is
-- ever stored. A session's token is "<session id>.<secret>": only the SHA-256 of the secret is kept, so the
-- table yields no usable token. Text columns are sized in characters with room to spare; the service enforces
-- the real limits (a display name of 100 characters may be 400 bytes).

create table accounts (
    id varchar(40) not null primary key,
    email varchar(600) not null,
    email_key varchar(600) not null,
    password_hash varchar(255) not null,
    display_name varchar(400) not null,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null
);

create unique index accounts_email_key on accounts (email_key);

create table sessions (
    id varchar(40) not null primary key,
    account_id varchar(40) not null references accounts (id) on delete cascade,
    secret_hash varchar(64) not null,
    created_at timestamp with time zone not null,
    expires_at timestamp with time zone not null
);

create index sessions_account_id on sessions (account_id);
create index sessions_expires_at on sessions (expires_at);
