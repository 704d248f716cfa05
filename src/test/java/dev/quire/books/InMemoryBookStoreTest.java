package dev.quire.books;

import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;
import java.util.concurrent.atomic.AtomicLong;

class InMemoryBookStoreTest extends BookStoreContract {
    private static final AtomicLong ACCOUNTS = new AtomicLong();

    @Override
    BookStore newStore() {
        return new InMemoryBookStore();
    }

    @Override
    AccountId newAccount() {
        return new AccountId(Ids.timeOrdered("acct", ACCOUNTS.incrementAndGet()));
    }
}
