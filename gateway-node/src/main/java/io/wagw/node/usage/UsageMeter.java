package io.wagw.node.usage;

import io.wagw.store.StoreException;
import io.wagw.store.StoreFailures;
import io.wagw.store.StoreOutage;
import io.wagw.store.usage.Usage;
import io.wagw.store.usage.UsageCounters;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a node's messages per tenant and month in memory and adds them to the store in one write per
 * tenant at each {@link #flush()} (the runtime flushes every few seconds and on shutdown).
 *
 * <p>Writing the tenant's counter row on every message put one row lock on the path of every inbound
 * message of that tenant: with many sessions per tenant the messages queued behind each other's commits.
 * The cost of batching is that a node killed with {@code kill -9} loses the counts of its last interval.
 */
public final class UsageMeter {
    private static final Logger log = LoggerFactory.getLogger(UsageMeter.class);

    private record Key(String tenant, YearMonth month) {}

    private record Counts(long in, long out) {
        Counts plus(Counts o) {
            return new Counts(in + o.in, out + o.out);
        }
    }

    private final Usage usage;
    private final Clock clock;
    private final Map<Key, Counts> pending = new ConcurrentHashMap<>();

    public UsageMeter(Usage usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    public void inbound(String tenant) {
        pending.merge(key(tenant), new Counts(1, 0), Counts::plus);
    }

    public void outbound(String tenant) {
        pending.merge(key(tenant), new Counts(0, 1), Counts::plus);
    }

    /** Writes what was counted since the last flush; what fails to write is kept for the next one. */
    public synchronized void flush() {
        for (Key k : pending.keySet()) {
            Counts c = pending.remove(k);
            if (c == null) {
                continue;
            }
            try {
                usage.add(k.tenant(), k.month(), new UsageCounters.Delta(c.in(), c.out(), 0, 0));
            } catch (StoreException.NotFound e) {
                log.debug("usage of deleted tenant {} dropped", k.tenant());
            } catch (RuntimeException e) {
                pending.merge(k, c, Counts::plus);
                if (StoreOutage.is(e)) {
                    log.warn("usage counters not written, will retry: {}", StoreFailures.summary(e));
                } else {
                    log.warn("usage counters not written, will retry", StoreFailures.loggable(e));
                }
            }
        }
    }

    private Key key(String tenant) {
        return new Key(tenant, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
    }
}
