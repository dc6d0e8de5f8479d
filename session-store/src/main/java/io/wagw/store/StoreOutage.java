package io.wagw.store;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a database that is away (stopped, restarting, failing over, cut off) from a request it refused.
 * The first passes: what could not be written waits and is retried; the second is the caller's to handle.
 */
public final class StoreOutage {
    private StoreOutage() {}

    /** Whether {@code e} (or a cause) says the database could not be reached or dropped the connection. */
    public static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException) {
                return false; // a typed answer of the store: the database was there to give it
            }
            if (t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException
                    || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // class 08: connection exception; 57P01-57P03: the server shut down or cannot connect now
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }
}
