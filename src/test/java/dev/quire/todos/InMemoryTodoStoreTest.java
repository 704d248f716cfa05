package dev.quire.todos;

import dev.quire.identity.AccountId;
import dev.quire.shared.Ids;

class InMemoryTodoStoreTest extends TodoStoreContract {
    @Override
    TodoStore newStore() {
        return new InMemoryTodoStore();
    }

    @Override
    AccountId newAccount() {
        return new AccountId(Ids.timeOrdered("acct", System.currentTimeMillis()));
    }
}
