package io.wagw.node.browser;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares browsers between sessions: each {@link BrowserHost} holds up to {@code sessionsPerBrowser}
 * sessions (one {@code BrowserContext} each); a new browser is launched only when every running one is
 * full, and a browser left without sessions is closed unless it is the last one (kept warm). Every browser
 * is watched by the pool's {@link BrowserWatchdog}.
 */
public final class BrowserPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrowserPool.class);

    private final BrowserSettings settings;
    private final int sessionsPerBrowser;
    private final Consumer<BrowserHost> crashListener;
    private final BrowserWatchdog watchdog;
    // read without the lock (health, metrics): they must not wait while a browser is being launched under it
    private final List<BrowserHost> hosts = new CopyOnWriteArrayList<>();
    private final Map<String, BrowserHost> bySession = new HashMap<>();
    private int nextId = 1;
    /** Guarded by itself (not the pool's lock: a reading must not hold up session starts). */
    private final PssEstimate pss = new PssEstimate();

    private final String namePrefix;

    public BrowserPool(
            String namePrefix, BrowserSettings settings, int sessionsPerBrowser, Consumer<BrowserHost> crashListener) {
        this.namePrefix = namePrefix;
        if (sessionsPerBrowser < 1) {
            throw new IllegalArgumentException("sessionsPerBrowser must be at least 1");
        }
        this.settings = settings;
        this.sessionsPerBrowser = sessionsPerBrowser;
        this.crashListener = crashListener;
        this.watchdog = BrowserWatchdog.start(namePrefix);
        if (SchedulerGroups.autogroupsApply()) {
            log.info("the kernel's scheduler autogroups are on (kernel.sched_autogroup_enabled=1) and this node runs"
                    + " in the root CPU cgroup: each browser, a session of its own, gets as much CPU as this node's"
                    + " JVM in a burst, whatever its renderers' nice value; run the node in a CPU cgroup of its own"
                    + " (a systemd unit with CPUWeight=, as the Ansible role's) or turn autogroups off (see README)");
        }
    }

    /** The dead man's switch that kills this pool's browsers when the node stops confirming its leases. */
    public BrowserWatchdog watchdog() {
        return watchdog;
    }

    /** The browser a session runs in: its current one, the least loaded with room, or a new one. */
    public synchronized BrowserHost assign(String session) {
        BrowserHost current = bySession.get(session);
        if (current != null && current.alive()) {
            return current;
        }
        hosts.removeIf(h -> !h.alive());
        BrowserHost best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (BrowserHost h : hosts) {
            int load = load(h);
            if (load < sessionsPerBrowser && load < bestLoad) {
                best = h;
                bestLoad = load;
            }
        }
        if (best == null) {
            best = BrowserHost.start(namePrefix + "-b" + nextId++, settings, crashListener, watchdog);
            hosts.add(best);
        }
        bySession.put(session, best);
        return best;
    }

    /** Frees a session's slot; closes its browser when it was the last session there and others remain. */
    public void release(String session) {
        BrowserHost emptied = null;
        synchronized (this) {
            BrowserHost h = bySession.remove(session);
            // The last browser stays up even when empty: the next start or restore skips a Chromium launch.
            if (h != null && load(h) == 0 && hosts.size() > 1) {
                hosts.remove(h);
                emptied = h;
            }
        }
        if (emptied != null) {
            log.info("browser {} has no sessions left; closing it", emptied.id());
            emptied.close();
        }
    }

    public List<BrowserHost> hosts() {
        return List.copyOf(hosts);
    }

    public synchronized List<String> sessionsOn(BrowserHost host) {
        return bySession.entrySet().stream()
                .filter(e -> e.getValue() == host)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /**
     * Summed PSS of every Chromium process (browsers and their renderers), in bytes: read in full every 5 minutes
     * and when a browser launched, restarted or closed, and scaled in between by how the processes' resident
     * anonymous memory changed, read at most every 10 s ({@link PssEstimate}: a full reading walks every renderer's page
     * tables). Health asks every second, metrics at each scrape.
     */
    public long chromiumPssBytes() {
        synchronized (pss) {
            long now = System.nanoTime();
            List<BrowserHost> current = hosts();
            List<String> browsers =
                    current.stream().map(h -> h.id() + "#" + h.generation()).toList();
            var due = pss.due(now, browsers);
            if (due != PssEstimate.Due.NOTHING) {
                var sum = current.stream()
                        .flatMap(h -> h.browserPid().stream().boxed())
                        .map(pid -> ChromiumProcesses.memoryWithDescendants(pid, due == PssEstimate.Due.FULL))
                        .reduce(ChromiumProcesses.Memory.NONE, ChromiumProcesses.Memory::plus);
                if (due == PssEstimate.Due.FULL) {
                    pss.full(now, browsers, sum.pssBytes(), sum.anonBytes());
                } else {
                    pss.anon(now, sum.anonBytes());
                }
            }
            return pss.bytes();
        }
    }

    private int load(BrowserHost h) {
        int n = 0;
        for (BrowserHost v : bySession.values()) {
            if (v == h) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        List<BrowserHost> all;
        synchronized (this) {
            all = List.copyOf(hosts);
            hosts.clear();
            bySession.clear();
        }
        all.forEach(BrowserHost::close);
        watchdog.close();
    }
}
