package io.wagw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class StoreFailuresTest {
    private static final String SECRET = "hmac-secret-77011234567";
    private final Jdbi jdbi = SessionStore.configure(Jdbi.create(
            TestStore.get().jdbcUrl(),
            "postgres",
            TestStore.get().embeddedPassword().orElseThrow()));

    @Test
    void aFailedStatementNamesNeitherItsSqlNorItsBoundValues() {
        Throwable failure = catchThrowable(() -> jdbi.useHandle(
                h -> h.createUpdate("INSERT INTO tenants (slug, display_name, plan) VALUES (:slug, :name, 'free')")
                        .bind("slug", TestStore.unique("t"))
                        .bind("name", SECRET + "\u0000")
                        .execute()));
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).doesNotContain(SECRET, "INSERT", "arguments");
    }

    @Test
    void theSummaryAndTheLoggableCopyCarryTheSqlStateButNoValue() {
        String slug = TestStore.unique("dup");
        jdbi.useHandle(h -> h.execute("INSERT INTO tenants (slug, display_name, plan) VALUES (?, 'x', 'free')", slug));
        // the server quotes the duplicate value in its detail: Key (slug)=(...) already exists
        Throwable failure = catchThrowable(() -> jdbi.useHandle(
                h -> h.createUpdate("INSERT INTO tenants (slug, display_name, plan) VALUES (:slug, :name, 'free')")
                        .bind("slug", slug)
                        .bind("name", SECRET)
                        .execute()));

        assertThat(StoreFailures.fromDatabase(failure)).isTrue();
        assertThat(StoreFailures.summary(failure))
                .contains(
                        "UnableToExecuteStatementException",
                        "PSQLException",
                        "SQLState 23505",
                        "constraint tenants_slug_key")
                .doesNotContain(slug, SECRET);
        var trace = new StringWriter();
        StoreFailures.loggable(new IllegalStateException(failure)).printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString())
                .contains("java.lang.IllegalStateException", "SQLState 23505", "StoreFailuresTest")
                .doesNotContain(slug, SECRET, "INSERT");
    }

    @Test
    void aFailureWithoutTheDatabaseIsLoggedAsItIs() {
        var failure = new IllegalArgumentException("bad hex");
        assertThat(StoreFailures.fromDatabase(failure)).isFalse();
        assertThat(StoreFailures.loggable(failure)).isSameAs(failure);
        assertThat(StoreFailures.summary(failure)).isEqualTo("java.lang.IllegalArgumentException: bad hex");
    }
}
