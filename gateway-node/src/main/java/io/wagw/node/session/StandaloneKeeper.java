package io.wagw.node.session;

import io.wagw.store.SessionStore;
import io.wagw.store.StoreOutage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node without a cluster keeps its wanted sessions running by itself (in a cluster the coordinator
 * does): at its start, and whenever a session left without giving up (its lease was lost, for example
 * while the database was away), it starts the session again as soon as it can. It waits while the
 * database is away or while a lease of this node's previous process (a crash) is still live, and stops
 * trying once the session is no longer wanted here.
 */
public final class StandaloneKeeper implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(StandaloneKeeper.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** How long a lease another node holds is waited for before giving up (a standalone node shares nothing). */
    private static final Duration FOREIGN_LEASE_PATIENCE = Duration.ofMinutes(2);

    private final SessionRuntime runtime;
    private final SessionStore store;
    private final String nodeId;
    private final Set<String> keeping = ConcurrentHashMap.newKeySet();

    public StandaloneKeeper(SessionRuntime runtime, SessionStore store, String nodeId) {
        this.runtime = runtime;
        this.store = store;
        this.nodeId = nodeId;
    }

    /** Starts the sessions this node ran before it stopped (or crashed). */
    public void resumeWanted() {
        for (String session : store.sessions().desiredRunningLastOn(nodeId)) {
            keep(session);
        }
    }

    @Override
    public void onLeft(String session, boolean gaveUp) {
        if (!gaveUp) {
            keep(session);
        }
    }

    /** Starts the session in the background, retrying until it runs or is not wanted here any more. */
    void keep(String session) {
        if (keeping.add(session)) {
            Thread.ofVirtual().name("keep-" + session).start(() -> {
                try {
                    keepRunning(session);
                } finally {
                    keeping.remove(session);
                }
            });
        }
    }

    private void keepRunning(String session) {
        Duration wait = FIRST_RETRY; // a restart through the API starts it itself meanwhile
        long foreignSince = 0;
        while (true) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            wait = min(wait.multipliedBy(2), MAX_RETRY);
            if (runtime.isClosed()) {
                return;
            }
            try {
                if (runtime.runs(session)
                        || !store.sessions().desiredRunningLastOn(nodeId).contains(session)) {
                    return; // running (a start of its own came first) or stopped on purpose
                }
                runtime.start(session);
                return;
            } catch (SessionRuntimeException e) {
                switch (e.code()) {
                    case ALREADY_RUNNING -> {
                        return;
                    }
                    case LEASED_ELSEWHERE -> {
                        // this node's previous process (a crash) or a lease lost with the database: it expires
                        // within a TTL. Another node's lease is a misconfiguration; give up after a while.
                        boolean ours = store.leases()
                                .current(session)
                                .map(l -> l.ownerNode().equals(nodeId))
                                .orElse(true);
                        if (!ours) {
                            foreignSince = foreignSince == 0 ? System.nanoTime() : foreignSince;
                            if (System.nanoTime() - foreignSince > FOREIGN_LEASE_PATIENCE.toNanos()) {
                                log.warn("session {} stays with another node: {}", session, e.getMessage());
                                return;
                            }
                        }
                    }
                    default -> {
                        log.warn("session {} was not started again: {}", session, e.getMessage());
                        return;
                    }
                }
            } catch (RuntimeException e) {
                if (runtime.isClosed()) {
                    return;
                }
                if (!StoreOutage.is(e)) {
                    log.warn("session {} was not started again", session, e);
                    return;
                }
                // the database is away: try again
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
