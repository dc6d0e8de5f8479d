package io.wagw.store.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the schema migrations with Flyway in a class loader of their own, dropped afterwards. Flyway
 * and the JSON library it picks up load about a thousand classes that a node needs once, at start-up;
 * loaded by the application's class loader they would stay in memory for the node's whole life. Loaded
 * here, the JVM unloads them at its next full collection. The migration runs on a thread of its own, so
 * that no thread-local value of theirs outlives it either.
 */
final class Migrations {
    /** Classes loaded by the throwaway loader itself rather than by the application's loader. */
    private static final List<String> OWN = List.of("org.flywaydb.", "tools.jackson.", Migrations.class.getName());
    /** The last migration's loader, so that a test can see it go. */
    static volatile WeakReference<ClassLoader> lastLoader = new WeakReference<>(null);

    private Migrations() {}

    /** Migrates the schema; returns the version it is at. */
    static int apply(DataSource ds) {
        ClassLoader parent = Migrations.class.getClassLoader();
        var result = new AtomicReference<Object>();
        try (var loader = new Isolated(codeSources(parent), parent)) {
            lastLoader = new WeakReference<>(loader);
            Thread t = Thread.ofPlatform().name("schema-migration").unstarted(() -> {
                try {
                    // the same class, loaded again: a different runtime package, so package access needs this
                    var migrate =
                            loader.loadClass(Migrations.class.getName()).getDeclaredMethod("migrate", DataSource.class);
                    migrate.setAccessible(true);
                    result.set(migrate.invoke(null, ds));
                } catch (InvocationTargetException e) {
                    result.set(e.getCause());
                } catch (ReflectiveOperationException e) {
                    result.set(e);
                }
            });
            // The thread's context loader stays the application's: a thread the migration makes start (a
            // connection pool's adder, say) inherits it, and must not keep the throwaway loader alive.
            t.setContextClassLoader(parent);
            t.start();
            t.join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while migrating the schema", e);
        }
        return switch (result.get()) {
            case Integer version -> version;
            case RuntimeException e -> throw e;
            case Throwable t -> throw new IllegalStateException("schema migration failed: " + t, t);
            default -> throw new IllegalStateException("schema migration returned nothing");
        };
    }

    /** Runs inside the throwaway loader. */
    static int migrate(DataSource ds) {
        try {
            // this class is the throwaway loader's copy: its loader is the one Flyway's classes come from
            var flyway = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load();
            flyway.migrate();
            var current = flyway.info().current();
            return current == null ? 0 : Integer.parseInt(current.getVersion().getVersion());
        } catch (RuntimeException e) {
            // Flyway's exception classes go with this loader: printing one later (its stack trace needs
            // more of Flyway's classes) would fail. Its messages, and the first cause of a class that
            // stays (the driver's SQLException), travel on in a JDK exception instead.
            StringBuilder message = new StringBuilder("schema migration failed");
            Throwable kept = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getClass().getClassLoader() != Migrations.class.getClassLoader()) {
                    kept = t;
                    break;
                }
                message.append(": ").append(t.getMessage());
            }
            throw new IllegalStateException(message.toString(), kept);
        }
    }

    /** The jars (or class folders) the isolated classes come from: Flyway's, its plugins', Jackson's, ours. */
    private static URL[] codeSources(ClassLoader parent) throws IOException {
        Set<URL> urls = new LinkedHashSet<>();
        for (String resource : List.of(
                "org/flywaydb/core/Flyway.class",
                "org/flywaydb/database/postgresql/PostgreSQLDatabaseType.class",
                "org/flywaydb/database/cockroachdb/CockroachDBDatabaseType.class",
                "tools/jackson/databind/ObjectMapper.class",
                "tools/jackson/core/JsonParser.class",
                Migrations.class.getName().replace('.', '/') + ".class")) {
            URL url = parent.getResource(resource);
            if (url != null) {
                urls.add(root(url, resource));
            }
        }
        return urls.toArray(URL[]::new);
    }

    private static URL root(URL classUrl, String resource) throws IOException {
        if (classUrl.getProtocol().equals("jar")) {
            return ((JarURLConnection) classUrl.openConnection()).getJarFileURL();
        }
        String s = classUrl.toString();
        return URI.create(s.substring(0, s.length() - resource.length())).toURL();
    }

    /** Child-first for {@link #OWN}, parent-first for everything else (JDBC, logging, the JDK). */
    private static final class Isolated extends URLClassLoader {
        Isolated(URL[] urls, ClassLoader parent) {
            super("schema-migration", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (OWN.stream().noneMatch(name::startsWith)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
