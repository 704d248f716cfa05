package dev.quire.identity;

/** A session just started, with the bearer token that proves it: the only time the token exists in clear. */
record StartedSession(String token, Session session) {
    @Override
    public String toString() {
        return "StartedSession[token=(secret), session=" + session + "]";
    }
}
