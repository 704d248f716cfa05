-- Idempotency keys: one row per account (scope) and key, kept 24 hours. The primary key is the unique
-- constraint that lets exactly one of several concurrent requests with a key run; the others find its row.
-- fingerprint is the SHA-256 of the first request (method, path, query, media type, body). While that request
-- runs, response_status is null; locked_until is when it should long have answered (past it, the key is
-- reported as unfinished, never run again). Once the request has answered, its response is kept here to be
-- replayed.

create table idempotency_keys (
    scope varchar(60) not null,
    idempotency_key varchar(255) not null,
    fingerprint varchar(64) not null,
    response_status integer,
    response_headers text,
    response_body text,
    locked_until timestamp with time zone not null,
    expires_at timestamp with time zone not null,
    primary key (scope, idempotency_key)
);

create index idempotency_keys_expires_at on idempotency_keys (expires_at);
