package dev.quire.idempotency;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContract {
    @Override
    IdempotencyStore newStore() {
        return new InMemoryIdempotencyStore();
    }
}
