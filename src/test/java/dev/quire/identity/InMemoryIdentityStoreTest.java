package dev.quire.identity;

class InMemoryIdentityStoreTest extends IdentityStoreContract {
    @Override
    IdentityStore newStore() {
        return new InMemoryIdentityStore();
    }
}
