package io.wagw.store.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreException;
import io.wagw.store.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Several "nodes" (threads) race for one session's lease for well over 100 acquisitions, holding
 * it briefly and releasing, dying with it (so it must expire before anyone else gets it), or
 * stalling past its expiry and then trying to write. Afterwards the database's own history must
 * show one holder at a time and no write under a stale epoch.
 */
class LeaseRaceTest {
    private static final Duration TTL = Duration.ofMillis(150);
    private static final int NODES = 4;
    private static final int ACQUISITIONS_PER_NODE = 30;

    private final SessionStore store = TestStore.get();

    private record Held(long epoch, String node, Instant acquiredAt) {}

    @Test
    void racingNodesNeverShareALeaseAndStaleEpochWritesAreRefused() throws Exception {
        String tenant = TestStore.unique("race");
        String session = TestStore.unique("race");
        store.tenants().create(tenant, "Race", "free");
        store.sessions().create(tenant, session, Map.of());

        var acquisitions = new ConcurrentLinkedQueue<Held>();
        var endOf = new ConcurrentHashMap<Long, Instant>(); // epoch -> when it was released or last valid
        var maxEpochSeen = new AtomicLong();
        var staleAccepted = new ConcurrentLinkedQueue<String>();
        var staleRefused = new AtomicInteger();
        var accepted = new AtomicInteger();
        var failures = new ConcurrentLinkedQueue<Throwable>();
        var start = new CountDownLatch(1);

        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            String node = "node-" + n;
            threads.add(Thread.ofPlatform().name(node).start(() -> {
                try {
                    start.await();
                    int held = 0;
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (held < ACQUISITIONS_PER_NODE && System.nanoTime() < deadline) {
                        Optional<SessionLease> got = store.leases().acquire(session, node, TTL);
                        if (got.isEmpty()) {
                            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 15));
                            continue;
                        }
                        held++;
                        SessionLease lease = got.get();
                        acquisitions.add(new Held(lease.epoch(), node, lease.acquiredAt()));
                        endOf.put(lease.epoch(), lease.expiresAt());
                        maxEpochSeen.accumulateAndGet(lease.epoch(), Math::max);

                        int behaviour = ThreadLocalRandom.current().nextInt(10);
                        write(lease, maxEpochSeen, accepted, staleRefused, staleAccepted);
                        if (behaviour < 6) {
                            // healthy: renew, write again, release
                            SessionLease renewed = store.leases().renew(lease, TTL);
                            endOf.put(renewed.epoch(), renewed.expiresAt());
                            write(renewed, maxEpochSeen, accepted, staleRefused, staleAccepted);
                            store.leases().release(renewed).ifPresent(at -> endOf.put(renewed.epoch(), at));
                            write(
                                    renewed,
                                    maxEpochSeen,
                                    accepted,
                                    staleRefused,
                                    staleAccepted); // after release: refused
                        } else if (behaviour < 8) {
                            // dies holding the lease: it must expire before anybody else gets it
                        } else {
                            // stalls past its expiry, then behaves as if it still held the lease
                            Thread.sleep(
                                    TTL.toMillis() + ThreadLocalRandom.current().nextInt(10, 60));
                            try {
                                store.leases().renew(lease, TTL);
                                fail("renewing an expired lease (epoch %d) succeeded", lease.epoch());
                            } catch (StoreException.StaleEpoch expected) {
                                staleRefused.incrementAndGet();
                            }
                            write(lease, maxEpochSeen, accepted, staleRefused, staleAccepted);
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(staleAccepted)
                .as("writes accepted although a newer epoch had been acquired before they started")
                .isEmpty();
        assertThat(acquisitions).hasSize(NODES * ACQUISITIONS_PER_NODE);
        assertThat(staleRefused.get()).as("stale writes refused").isPositive();

        // Epochs: every acquisition got a distinct epoch, 1..N with no gaps.
        TreeMap<Long, Held> byEpoch = new TreeMap<>();
        for (Held h : acquisitions) {
            assertThat(byEpoch.put(h.epoch(), h))
                    .as("epoch %d handed out twice", h.epoch())
                    .isNull();
        }
        assertThat(byEpoch.firstKey()).isEqualTo(1L);
        assertThat(byEpoch.lastKey()).isEqualTo((long) acquisitions.size());

        // One holder at a time: epoch e+1 was acquired no earlier than epoch e ended (released or expired).
        int takeoversAfterExpiry = 0;
        for (var e : byEpoch.entrySet()) {
            Held next = byEpoch.get(e.getKey() + 1);
            if (next == null) {
                continue;
            }
            Instant end = endOf.get(e.getKey());
            assertThat(next.acquiredAt())
                    .as("epoch %d acquired while epoch %d was live", e.getKey() + 1, e.getKey())
                    .isAfterOrEqualTo(end);
            if (!next.acquiredAt().isBefore(end)
                    && next.acquiredAt().isAfter(e.getValue().acquiredAt().plus(TTL))) {
                takeoversAfterExpiry++;
            }
        }
        assertThat(takeoversAfterExpiry).as("takeovers after an expiry").isPositive();

        // Every accepted write, as the database recorded it, lies inside its epoch's tenure.
        var rows = TestStore.jdbi()
                .withHandle(h -> h.createQuery("""
                        SELECT m.epoch, m.created_at FROM messages m JOIN sessions s ON s.id = m.session_id
                         WHERE s.name = :s ORDER BY m.id
                        """)
                        .bind("s", session)
                        .map((rs, ctx) -> Map.entry(
                                rs.getLong(1),
                                rs.getObject(2, OffsetDateTime.class).toInstant()))
                        .list());
        assertThat(rows).hasSize(accepted.get());
        for (var row : rows) {
            Held tenure = byEpoch.get(row.getKey());
            Held successor = byEpoch.get(row.getKey() + 1);
            assertThat(row.getValue()).isAfterOrEqualTo(tenure.acquiredAt());
            if (successor != null) {
                assertThat(row.getValue())
                        .as("write of epoch %d after epoch %d began", row.getKey(), row.getKey() + 1)
                        .isBefore(successor.acquiredAt());
            }
        }
    }

    private void write(
            SessionLease lease,
            AtomicLong maxEpochSeen,
            AtomicInteger accepted,
            AtomicInteger refused,
            ConcurrentLinkedQueue<String> staleAccepted) {
        long newestBefore = maxEpochSeen.get();
        try {
            store.messages().recordOutbound(lease, "77011234567@c.us", "epoch " + lease.epoch());
            accepted.incrementAndGet();
            if (newestBefore > lease.epoch()) {
                staleAccepted.add(
                        "epoch %d written after epoch %d was acquired".formatted(lease.epoch(), newestBefore));
            }
        } catch (StoreException.StaleEpoch e) {
            refused.incrementAndGet();
        }
    }
}
