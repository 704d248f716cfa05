package dev.quire.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.support.EventStreamClient;
import dev.quire.support.Http;
import dev.quire.support.Identities;
import dev.quire.support.PostgresServer;
import dev.quire.support.TestDatabase;
import dev.quire.support.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats keep a stream open through proxies that cut a response after a spell of silence (HAProxy's timeout
 * server, 30 s as shipped, against the 15 s heartbeat). Each heartbeat also checks the stream's session in the
 * database; while the database is away, those checks must not hold up the heartbeats.
 */
class StreamHeartbeatsPostgresTest {
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /**
     * Ten signed-in streams on one instance, heartbeats every second, PostgreSQL down for 8 s: each stream still gets
     * a heartbeat at least every 4 s (one session check waits up to 1.5 s for a connection, then the round goes on
     * without checking), and every stream carries on once the database is back.
     */
    @Test
    void whileTheDatabaseIsDownHeartbeatsKeepComing() throws Exception {
        var postgres = PostgresServer.startNew();
        try (var server = TestServer.builder(new TestDatabase("postgresql", postgres.createDatabase()))
                .eventHeartbeat(HEARTBEAT).start()) {
            var http = new Http(server);
            var callers = new ArrayList<Identities.Caller>();
            var streams = new ArrayList<EventStreamClient>();
            for (int i = 0; i < 10; i++) {
                var caller = new Identities(http).newCaller("Heartbeat" + i);
                callers.add(caller);
                streams.add(EventStreamClient.open(server.uri("/api/todos/events"),
                        Map.of("Authorization", caller.bearer())));
            }
            long[] lastBeat = new long[streams.size()];
            int[] comments = new int[streams.size()];
            long[] worstGap = new long[streams.size()];
            long start = System.nanoTime();
            java.util.Arrays.fill(lastBeat, start);
            postgres.stop(true);
            try {
                while (System.nanoTime() - start < Duration.ofSeconds(8).toNanos()) {
                    watch(streams, lastBeat, comments, worstGap);
                    Thread.sleep(50);
                }
            } finally {
                postgres.start();
            }
            long back = System.nanoTime();
            while (System.nanoTime() - back < Duration.ofSeconds(4).toNanos()) {
                watch(streams, lastBeat, comments, worstGap);
                Thread.sleep(50);
            }

            var gaps = java.util.Arrays.stream(worstGap).map(nanos -> nanos / 1_000_000).boxed().toList();
            System.out.println("heartbeats while PostgreSQL was down: longest silence per stream, ms: " + gaps);
            assertThat(gaps).allSatisfy(gap -> assertThat(gap).isLessThan(Duration.ofSeconds(4).toMillis()));
            for (int i = 0; i < streams.size(); i++) {
                assertThat(streams.get(i).awaitEnd(Duration.ZERO)).as("stream %d ended", i).isFalse();
            }
            var created = http.request("POST", "/api/todos").header("Authorization", callers.get(0).bearer())
                    .json("{\"title\":\"After the outage\"}").send();
            assertThat(created.status()).isEqualTo(201);
            assertThat(streams.get(0).poll(Duration.ofSeconds(5))).isPresent();
            streams.forEach(EventStreamClient::close);
        } finally {
            postgres.destroy();
        }
    }

    private static void watch(List<EventStreamClient> streams, long[] lastBeat, int[] comments, long[] worstGap) {
        long now = System.nanoTime();
        for (int i = 0; i < streams.size(); i++) {
            int seen = streams.get(i).comments();
            if (seen != comments[i]) {
                comments[i] = seen;
                lastBeat[i] = now;
            }
            worstGap[i] = Math.max(worstGap[i], now - lastBeat[i]);
        }
    }
}
