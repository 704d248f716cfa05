package dev.quire.db;

public record DatabaseSettings(String url, String user, String password, int poolSize) {

    public boolean isH2() {
        return url.startsWith("jdbc:h2:");
    }

    /** Never prints the password, nor a URL's query string, which may carry one. */
    @Override
    public String toString() {
        int query = url.indexOf('?');
        return "DatabaseSettings[url=" + (query < 0 ? url : url.substring(0, query) + "?…")
                + ", user=" + user + ", poolSize=" + poolSize + "]";
    }
}
