-- Email verification, email change and password reset.
--
-- email_verified_at: when the account's current email was confirmed by following a link sent to it (null: not
-- yet; accounts made before this migration start unverified). pending_email: an address the holder asked to
-- change to, kept apart until a link sent to it is followed; the account's email stays the old one until then.
-- It is not unique: whoever confirms an address first gets it (accounts.email_key decides).
--
-- email_tokens: the single-use tokens mailed as links. Only the SHA-256 (hex) of a token is kept, so the table
-- yields no usable link. purpose 'verify' confirms the address in email (the account's own or its pending one);
-- 'reset' sets a new password. An account has at most one token of each purpose: a new one replaces the old.
-- A used token is deleted; expired ones are deleted by later requests.

alter table accounts add column email_verified_at timestamp with time zone;
alter table accounts add column pending_email varchar(600);

create table email_tokens (
    token_hash varchar(64) not null primary key,
    account_id varchar(40) not null references accounts (id) on delete cascade,
    purpose varchar(10) not null,
    email varchar(600) not null,
    created_at timestamp with time zone not null,
    expires_at timestamp with time zone not null,
    constraint email_tokens_purpose check (purpose in ('verify', 'reset'))
);

create unique index email_tokens_account_purpose on email_tokens (account_id, purpose);
create index email_tokens_expires_at on email_tokens (expires_at);
