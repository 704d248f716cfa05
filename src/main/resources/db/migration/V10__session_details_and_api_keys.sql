-- Sessions as their holder sees them, and API keys.
--
-- A session now records when it was last used (written at most once a minute, see IdentityService), the
-- User-Agent it signed in with (at most 256 characters, control characters replaced) and the client address
-- (as the forwarded-header settings resolve it). Sessions that exist already count as last used when they started.
--
-- An API key is "quire_pat_" followed by 54 characters of a 320-bit random secret. Only the SHA-256 of the whole
-- key is kept (unique, and how a presented key is found); prefix holds its first 16 characters, "quire_pat_" and
-- six of the secret, which leave 284 bits unknown: enough to recognise a key in a list, never to use it. scopes is
-- a space-separated list (todos:read todos:write ...). Revoking a key deletes its row; an account's keys go with it.

alter table sessions add column last_used_at timestamp with time zone;
alter table sessions add column user_agent varchar(1100);
alter table sessions add column client_address varchar(100);
update sessions set last_used_at = created_at;
alter table sessions alter column last_used_at set not null;

create table api_keys (
    id varchar(40) not null primary key,
    account_id varchar(40) not null references accounts (id) on delete cascade,
    name varchar(400) not null,
    prefix varchar(40) not null,
    secret_hash varchar(64) not null,
    scopes varchar(200) not null,
    created_at timestamp with time zone not null,
    last_used_at timestamp with time zone,
    expires_at timestamp with time zone
);

create unique index api_keys_secret_hash on api_keys (secret_hash);
create index api_keys_account_id on api_keys (account_id);
