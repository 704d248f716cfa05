package dev.quire.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A health check as a load balancer runs it: GET a path on a fresh connection at a fixed rate, whatever the
 * previous probes are doing, and time each answer (connect to the end of the response). A probe that gets no
 * answer within the give-up time counts as unanswered.
 */
public final class Probes implements AutoCloseable {
    /**
     * One probe: when it was sent (ms since probing began), its status (-1 if none came) and how long the answer
     * took, or why there was none.
     */
    public record Probe(long sentAt, int status, long millis, String failure) {
        boolean answered(int expected, Duration within) {
            return status == expected && millis <= within.toMillis();
        }
    }

    /** The probes of a run, in the order they were sent. */
    public record Result(List<Probe> probes) {
        public int total() {
            return probes.size();
        }

        /** How many got {@code status} within {@code limit}. */
        public long answered(int status, Duration limit) {
            return probes.stream().filter(probe -> probe.answered(status, limit)).count();
        }

        public double share(int status, Duration limit) {
            return probes.isEmpty() ? 0 : (double) answered(status, limit) / probes.size();
        }

        /** The slowest answer, an unanswered probe counting as its give-up time. */
        public long worstMillis() {
            return probes.stream().mapToLong(Probe::millis).max().orElse(0);
        }

        /** The latency below which this share of the probes were answered (0.95: p95). */
        public long percentileMillis(double share) {
            if (probes.isEmpty()) {
                return 0;
            }
            var sorted = probes.stream().map(Probe::millis).sorted(Comparator.naturalOrder()).toList();
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(share * sorted.size()) - 1));
        }

        /** The probes that were not answered 200 in time, for a failure message. */
        public List<Probe> misses(Duration limit) {
            return probes.stream().filter(probe -> !probe.answered(200, limit)).toList();
        }

        @Override
        public String toString() {
            return String.format("%d/%d answered 200 within 1 s, p50 %d ms, p95 %d ms, worst %d ms",
                    answered(200, Duration.ofSeconds(1)), total(), percentileMillis(0.5), percentileMillis(0.95),
                    worstMillis());
        }
    }

    private final int port;
    private final String request;
    private final Duration giveUp;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService probing = Executors.newCachedThreadPool();
    private final List<Future<Probe>> sent = new ArrayList<>();
    private final long began = System.nanoTime();

    private Probes(int port, String path, Duration giveUp) {
        this.port = port;
        this.request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: health-probe\r\n"
                + "Connection: close\r\n\r\n";
        this.giveUp = giveUp;
    }

    /** Starts probing {@code path} every {@code interval}; each probe gives up after {@code giveUp}. */
    public static Probes start(int port, String path, Duration interval, Duration giveUp) {
        var probes = new Probes(port, path, giveUp);
        probes.clock.scheduleAtFixedRate(probes::send, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return probes;
    }

    private synchronized void send() {
        sent.add(probing.submit(this::probe));
    }

    /** Stops sending, waits for the probes in flight, and returns them all. */
    public Result stop() {
        clock.shutdownNow();
        List<Future<Probe>> all;
        synchronized (this) {
            all = List.copyOf(sent);
        }
        var probes = new ArrayList<Probe>();
        for (var future : all) {
            try {
                probes.add(future.get(giveUp.toMillis() + 5_000, TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                probes.add(new Probe(-1, -1, giveUp.toMillis(), e.toString()));
            }
        }
        probing.shutdownNow();
        return new Result(probes);
    }

    @Override
    public void close() {
        clock.shutdownNow();
        probing.shutdownNow();
    }

    private Probe probe() {
        long started = System.nanoTime();
        long sentAt = TimeUnit.NANOSECONDS.toMillis(started - began);
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) giveUp.toMillis());
            socket.setSoTimeout((int) Math.max(1, giveUp.toMillis() - elapsedMillis(started)));
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            // Connection: close, so the response ends where the stream does
            var response = new ByteArrayOutputStream();
            var in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                response.write(buffer, 0, n);
            }
            long millis = elapsedMillis(started);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                return new Probe(sentAt, -1, millis, "no status line: " + text);
            }
            return new Probe(sentAt, Integer.parseInt(text.substring(9, 12)), millis, null);
        } catch (IOException | NumberFormatException e) {
            return new Probe(sentAt, -1, Math.max(elapsedMillis(started), 0), e.toString());
        }
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
