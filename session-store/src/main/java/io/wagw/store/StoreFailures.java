package io.wagw.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import org.postgresql.util.PSQLException;

/**
 * What a log may say about a failed database call: the exception types, the SQLState and the names
 * PostgreSQL reports (constraint, table, column, routine). Never the statement, its bound values or the
 * server's message and detail, which quote values ({@code invalid input syntax for type bigint: "..."},
 * {@code Key (name)=(...) already exists}): message text, phone numbers, webhook keys.
 */
public final class StoreFailures {
    private StoreFailures() {}

    /** Whether {@code failure} or one of its causes came from the database or from Jdbi. */
    public static boolean fromDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isDatabase(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line for a log: for a database failure each exception type along the causes, the database's
     * with its SQLState and names, e.g. {@code UnableToExecuteStatementException <- PSQLException [SQLState
     * 23505, constraint sessions_name_key]}; any other failure as it is.
     */
    public static String summary(Throwable failure) {
        if (!fromDatabase(failure)) {
            return String.valueOf(failure);
        }
        List<String> parts = new ArrayList<>();
        for (Throwable t = failure; t != null && parts.size() < 10; t = t.getCause() == t ? null : t.getCause()) {
            String details = details(t);
            parts.add(t.getClass().getSimpleName() + (details.isEmpty() ? "" : " [" + details + "]"));
        }
        return String.join(" <- ", parts);
    }

    /**
     * The failure to hand to a logger with its stack trace: as it is when the database had no part in it,
     * else a copy whose messages name only what {@link #summary} names, with the same stack traces.
     */
    public static Throwable loggable(Throwable failure) {
        return fromDatabase(failure) ? redacted(failure, 0) : failure;
    }

    private static Throwable redacted(Throwable t, int depth) {
        Throwable cause =
                t.getCause() == null || t.getCause() == t || depth > 10 ? null : redacted(t.getCause(), depth + 1);
        String message;
        if (isDatabase(t)) {
            message = details(t);
        } else if (t.getCause() != null && String.valueOf(t.getCause()).equals(t.getMessage())) {
            message = String.valueOf(cause); // a plain wrapper repeats its cause: repeat the redacted one
        } else {
            message = t.getMessage();
        }
        var copy = new Redacted(
                t.getClass().getName() + (message == null || message.isEmpty() ? "" : ": " + message), cause);
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    private static boolean isDatabase(Throwable t) {
        return t instanceof SQLException || t instanceof JdbiException;
    }

    private static String details(Throwable t) {
        List<String> out = new ArrayList<>();
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            out.add("SQLState " + sql.getSQLState());
        }
        if (t instanceof PSQLException pg && pg.getServerErrorMessage() != null) {
            var server = pg.getServerErrorMessage();
            addNamed(out, "constraint", server.getConstraint());
            addNamed(out, "table", server.getTable());
            addNamed(out, "column", server.getColumn());
            addNamed(out, "routine", server.getRoutine());
        }
        return String.join(", ", out);
    }

    private static void addNamed(List<String> out, String what, String name) {
        if (name != null && !name.isEmpty()) {
            out.add(what + " " + name);
        }
    }

    /** A copy of a failure in a log, its original type named in the message. */
    private static final class Redacted extends RuntimeException {
        Redacted(String message, Throwable cause) {
            super(message, cause, false, true);
        }

        @Override
        public String toString() {
            return getMessage(); // the message starts with the original type
        }
    }
}
