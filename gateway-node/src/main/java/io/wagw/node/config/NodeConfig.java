package io.wagw.node.config;

import io.wagw.assistant.model.ModelProviders.NodeModels;
import io.wagw.assistant.model.Prices;
import io.wagw.assistant.model.ProviderConfig;
import io.wagw.assistant.model.ProviderKind;
import io.wagw.node.browser.BrowserSettings;
import io.wagw.node.webhook.Cidr;
import io.wagw.node.webhook.DestinationPolicy;
import io.wagw.store.StoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything a node is configured with, read once from {@code GW_*} environment variables and
 * validated at start. Every problem is reported at once, each naming its variable and what it accepts;
 * an unknown {@code GW_*} variable is an error too, so that a typo never silently falls back to a default.
 *
 * @param webhookAllowNetworks networks of on-premise webhook receivers ({@code GW_WEBHOOK_ALLOW_NETWORKS});
 *                             webhooks go to public addresses only when empty
 * @param httpIdleTimeout      a connection that neither sends nor is sent anything this long is closed
 *                             ({@code GW_HTTP_IDLE_SECONDS}): half-sent requests and silent clients hold no socket
 * @param llm                  the node-wide language model providers ({@code GW_LLM_*}); none by default, and then
 *                             tenants without a provider of their own are answered without a model
 * @param embeddingModel       the ONNX model and tokenizer of the knowledge's dense retrieval
 *                             ({@code GW_EMBEDDING_MODEL_PATH}, {@code GW_EMBEDDING_TOKENIZER_PATH}); the bundled
 *                             all-MiniLM-L6-v2 when empty
 */
public record NodeConfig(
        String nodeId,
        String httpHost,
        int httpPort,
        String advertisedUrl,
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        int dbPoolSize,
        Optional<Path> masterKeyFile,
        String clusterName,
        List<String> clusterMembers,
        int clusterPort,
        Duration clusterFailureDetection,
        int clusterMovesPerMinute,
        URI waUrl,
        int maxSessions,
        int sessionsPerBrowser,
        Optional<String> adminApiKey,
        Path chromiumPath,
        Duration leaseTtl,
        int sendPerMinute,
        int sendBurst,
        Duration sendPause,
        String logLevel,
        List<Cidr> webhookAllowNetworks,
        Duration httpIdleTimeout,
        NodeModels llm,

        Optional<EmbeddingModelFiles> embeddingModel) {

    /** An ONNX embedding model and its HuggingFace tokenizer ({@code tokenizer.json}). */
    public record EmbeddingModelFiles(Path model, Path tokenizer) {}

    public static final String DEFAULT_WA_URL = "https://web.whatsapp.com";
    /** Sessions per shared browser: each browser brings its own Playwright driver and browser thread. */
    public static final int DEFAULT_SESSIONS_PER_BROWSER = 50;
    /**
     * The lease TTL: renewed every eighth of it, the dead man's switch fires 0.4 s before it could run out, a
     * dead node's sessions wait it out.
     */
    public static final int DEFAULT_LEASE_TTL_SECONDS = 2;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.-]{1,253}(:\\d{1,5})?");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    /** Every variable a node reads; anything else starting with {@code GW_} is refused. */
    public static final Set<String> KNOWN = Set.of(
            "GW_NODE_ID",
            "GW_HTTP_HOST",
            "GW_HTTP_PORT",
            "GW_ADVERTISED_URL",
            "GW_DATA_DIR",
            "GW_DB_URL",
            "GW_DB_USER",
            "GW_DB_PASSWORD",
            "GW_DB_POOL_SIZE",
            "GW_MASTER_KEY_FILE",
            "GW_CLUSTER_NAME",
            "GW_CLUSTER_MEMBERS",
            "GW_CLUSTER_PORT",
            "GW_CLUSTER_FAILURE_SECONDS",
            "GW_CLUSTER_MOVES_PER_MINUTE",
            "GW_WA_URL",
            "GW_MAX_SESSIONS",
            "GW_SESSIONS_PER_BROWSER",
            "GW_ADMIN_API_KEY",
            "GW_CHROMIUM_PATH",
            "GW_LEASE_TTL_SECONDS",
            "GW_SEND_PER_MINUTE",
            "GW_SEND_BURST",
            "GW_SEND_PAUSE_MS",
            "GW_LOG_LEVEL",
            "GW_WEBHOOK_ALLOW_NETWORKS",
            "GW_HTTP_IDLE_SECONDS",
            "GW_LLM_PROVIDER",
            "GW_LLM_BASE_URL",
            "GW_LLM_API_KEY",
            "GW_LLM_API_KEY_FILE",
            "GW_LLM_MODEL",
            "GW_LLM_CHEAP_MODEL",
            "GW_LLM_SECONDARY_PROVIDER",
            "GW_LLM_SECONDARY_BASE_URL",
            "GW_LLM_SECONDARY_API_KEY",
            "GW_LLM_SECONDARY_API_KEY_FILE",
            "GW_LLM_SECONDARY_MODEL",
            "GW_LLM_SECONDARY_CHEAP_MODEL",
            "GW_LLM_TIMEOUT_MS",
            "GW_LLM_RETRIES",
            "GW_LLM_CONCURRENCY",
            "GW_LLM_BREAKER_OPEN_SECONDS",
            "GW_LLM_PRICES",
            "GW_EMBEDDING_MODEL_PATH",
            "GW_EMBEDDING_TOKENIZER_PATH");

    /** Reads and validates the configuration; throws {@link ConfigException} listing every problem. */
    public static NodeConfig fromEnv(Map<String, String> env) {
        var r = new Reader(env);
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("GW_") && !KNOWN.contains(name)) {
                r.problems.add("%s is not a known setting; known settings: %s"
                        .formatted(name, String.join(", ", new TreeSet<>(KNOWN))));
            }
        }
        String nodeId =
                r.matching("GW_NODE_ID", defaultNodeId(), ID, "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        String httpHost = r.matching("GW_HTTP_HOST", "0.0.0.0", HOST, "an IP address or host name to listen on");
        int httpPort = r.integer("GW_HTTP_PORT", 3000, 1, 65535);
        String advertised = r.url(
                        "GW_ADVERTISED_URL",
                        "http://" + ("0.0.0.0".equals(httpHost) ? "127.0.0.1" : httpHost) + ":" + httpPort)
                .toString();
        Path dataDir = Path.of(r.string("GW_DATA_DIR", "data")).toAbsolutePath().normalize();
        Optional<DbUrl> db = r.optional("GW_DB_URL").flatMap(v -> r.dbUrl("GW_DB_URL", v));
        Optional<String> dbUrl = db.map(DbUrl::jdbcUrl);
        Optional<String> dbUser = r.optional("GW_DB_USER").or(() -> db.flatMap(DbUrl::user));
        Optional<String> dbPassword = r.optional("GW_DB_PASSWORD").or(() -> db.flatMap(DbUrl::password));
        int poolSize = r.integer("GW_DB_POOL_SIZE", 10, 2, 200);
        Optional<Path> keyFile = r.optional("GW_MASTER_KEY_FILE")
                .map(Path::of)
                .filter(p -> r.check(
                        Files.isReadable(p),
                        "GW_MASTER_KEY_FILE=%s is not a readable file (expected a file with one base64-encoded 32-byte key per line)"
                                .formatted(p)));
        String clusterName =
                r.matching("GW_CLUSTER_NAME", "wagw", ID, "1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'");
        List<String> members = r.list("GW_CLUSTER_MEMBERS", MEMBER, "a comma-separated list of host or host:port");
        int clusterPort = r.integer("GW_CLUSTER_PORT", 5701, 1, 65535);
        int failureSeconds = r.integer("GW_CLUSTER_FAILURE_SECONDS", 10, 3, 60);
        int movesPerMinute = r.integer("GW_CLUSTER_MOVES_PER_MINUTE", 6, 1, 600);
        URI waUrl = r.url("GW_WA_URL", DEFAULT_WA_URL);
        int maxSessions = r.integer("GW_MAX_SESSIONS", 50, 1, 1000);
        int perBrowser = r.integer("GW_SESSIONS_PER_BROWSER", DEFAULT_SESSIONS_PER_BROWSER, 1, 100);
        Optional<String> adminKey = r.optional("GW_ADMIN_API_KEY")
                .filter(k -> r.check(
                        k.length() >= 24 && k.length() <= 200 && k.chars().allMatch(c -> c > 32 && c < 127),
                        "GW_ADMIN_API_KEY must be 24-200 printable ASCII characters without spaces"));
        Path chromium = Path.of(
                r.string("GW_CHROMIUM_PATH", BrowserSettings.defaultExecutable().toString()));
        if (env.containsKey("GW_CHROMIUM_PATH")) {
            r.check(Files.isExecutable(chromium), "GW_CHROMIUM_PATH=%s is not an executable file".formatted(chromium));
        }
        int leaseTtl = r.integer("GW_LEASE_TTL_SECONDS", DEFAULT_LEASE_TTL_SECONDS, 2, 15);
        int sendPerMinute = r.integer("GW_SEND_PER_MINUTE", 20, 1, 6000);
        int sendBurst = r.integer("GW_SEND_BURST", 5, 1, 1000);
        int sendPauseMs = r.integer("GW_SEND_PAUSE_MS", 800, 0, 10_000);
        String logLevel = r.oneOf("GW_LOG_LEVEL", "INFO", LOG_LEVELS);
        List<Cidr> webhookAllow = r.networks("GW_WEBHOOK_ALLOW_NETWORKS");
        int idleSeconds = r.integer("GW_HTTP_IDLE_SECONDS", 60, 5, 3600);
        NodeModels llm = r.models();
        Optional<EmbeddingModelFiles> embeddingModel = r.embeddingModel();
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems);
        }
        return new NodeConfig(
                nodeId,
                httpHost,
                httpPort,
                advertised,
                dataDir,
                dbUrl,
                dbUser,
                dbPassword,
                poolSize,
                keyFile,
                clusterName,
                members,
                clusterPort,
                Duration.ofSeconds(failureSeconds),
                movesPerMinute,
                waUrl,
                maxSessions,
                perBrowser,
                adminKey,
                chromium,
                Duration.ofSeconds(leaseTtl),
                sendPerMinute,
                sendBurst,
                Duration.ofMillis(sendPauseMs),
                logLevel,
                webhookAllow,
                Duration.ofSeconds(idleSeconds),
                llm,
                embeddingModel);
    }

    /** What the session store needs of this configuration. */
    public StoreConfig storeConfig() {
        return new StoreConfig(dataDir, dbUrl, dbUser, dbPassword, masterKeyFile, dbPoolSize);
    }

    /** Where this node may send webhooks: public addresses and {@link #webhookAllowNetworks}. */
    public DestinationPolicy webhookDestinations() {
        return new DestinationPolicy(webhookAllowNetworks);
    }

    /** True when {@code GW_CLUSTER_MEMBERS} is set: the node joins a cluster that places sessions on nodes. */
    public boolean clustered() {
        return !clusterMembers.isEmpty();
    }

    /** True when the node targets the real WhatsApp Web rather than a simulator. */
    public boolean realWhatsApp() {
        return waUrl.toString().startsWith(DEFAULT_WA_URL);
    }

    private static String defaultNodeId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("node");
        String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-");
        return cleaned.isEmpty() ? "node" : cleaned.substring(0, Math.min(64, cleaned.length()));
    }

    /** A database URL split into the driver's URL and the credentials it carried. */
    private record DbUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {}

    /** Collects problems instead of failing on the first, so one start reports them all. */
    private static final class Reader {
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        Optional<String> optional(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
        }

        String string(String name, String fallback) {
            return optional(name).orElse(fallback);
        }

        boolean check(boolean ok, String problem) {
            if (!ok) {
                problems.add(problem);
            }
            return ok;
        }

        String matching(String name, String fallback, Pattern pattern, String accepted) {
            String v = string(name, fallback);
            return check(pattern.matcher(v).matches(), "%s=%s is invalid: expected %s".formatted(name, v, accepted))
                    ? v
                    : fallback;
        }

        /**
         * {@code GW_EMBEDDING_MODEL_PATH} and {@code GW_EMBEDDING_TOKENIZER_PATH}: both (readable files, the
         * tokenizer a JSON object) or neither. The model itself is loaded on its first use, not here.
         */
        Optional<EmbeddingModelFiles> embeddingModel() {
            Optional<String> model = optional("GW_EMBEDDING_MODEL_PATH");
            Optional<String> tokenizer = optional("GW_EMBEDDING_TOKENIZER_PATH");
            if (model.isEmpty() && tokenizer.isEmpty()) {
                return Optional.empty();
            }
            if (model.isEmpty() || tokenizer.isEmpty()) {
                problems.add(
                        "%s is set without %s: set both (an ONNX embedding model and its tokenizer.json) or neither (the bundled all-MiniLM-L6-v2)"
                                .formatted(
                                        model.isPresent() ? "GW_EMBEDDING_MODEL_PATH" : "GW_EMBEDDING_TOKENIZER_PATH",
                                        model.isPresent() ? "GW_EMBEDDING_TOKENIZER_PATH" : "GW_EMBEDDING_MODEL_PATH"));
                return Optional.empty();
            }
            Path m = Path.of(model.get());
            Path t = Path.of(tokenizer.get());
            boolean ok = check(
                    Files.isRegularFile(m) && Files.isReadable(m),
                    "GW_EMBEDDING_MODEL_PATH=%s is not a readable file (expected an ONNX embedding model, e.g. model.onnx)"
                            .formatted(m));
            ok &= check(
                    Files.isRegularFile(t) && Files.isReadable(t) && jsonObject(t),
                    "GW_EMBEDDING_TOKENIZER_PATH=%s is not a readable JSON file (expected the model's HuggingFace tokenizer.json)"
                            .formatted(t));
            return ok ? Optional.of(new EmbeddingModelFiles(m, t)) : Optional.empty();
        }

        private static boolean jsonObject(Path file) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (int c; (c = in.read()) >= 0; ) {
                    if (!Character.isWhitespace(c)) {
                        return c == '{';
                    }
                }
                return false;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                return false;
            }
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> raw = optional(name);
            if (raw.isEmpty()) {
                return fallback;
            }
            try {
                int v = Integer.parseInt(raw.get());
                if (check(
                        v >= min && v <= max,
                        "%s=%s is out of range: expected an integer from %d to %d"
                                .formatted(name, raw.get(), min, max))) {
                    return v;
                }
            } catch (NumberFormatException e) {
                problems.add("%s=%s is not an integer: expected an integer from %d to %d"
                        .formatted(name, raw.get(), min, max));
            }
            return fallback;
        }

        String oneOf(String name, String fallback, Set<String> accepted) {
            String v = string(name, fallback).toUpperCase(Locale.ROOT);
            return check(
                            accepted.contains(v),
                            "%s=%s is invalid: expected one of %s".formatted(name, v, new TreeSet<>(accepted)))
                    ? v
                    : fallback;
        }

        URI url(String name, String fallback) {
            String v = string(name, fallback);
            try {
                URI u = new URI(v);
                if (check(
                        ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null,
                        "%s=%s is invalid: expected an http:// or https:// URL with a host".formatted(name, v))) {
                    return u;
                }
            } catch (URISyntaxException e) {
                problems.add("%s=%s is not a URL: expected an http:// or https:// URL with a host".formatted(name, v));
            }
            return URI.create(fallback);
        }

        /** Accepts jdbc:postgresql://, postgresql:// and postgres:// URLs; user:password@ moves out of the URL. */
        Optional<DbUrl> dbUrl(String name, String v) {
            String rest = v.startsWith("jdbc:postgresql://")
                    ? v.substring("jdbc:postgresql://".length())
                    : v.startsWith("postgresql://")
                            ? v.substring("postgresql://".length())
                            : v.startsWith("postgres://") ? v.substring("postgres://".length()) : null;
            String accepted =
                    "expected jdbc:postgresql://host:port/db, postgresql://user:pass@host:port/db or postgres://...";
            if (rest == null) {
                problems.add("%s is invalid: %s".formatted(name, accepted));
                return Optional.empty();
            }
            try {
                URI u = new URI("postgresql://" + rest);
                if (u.getHost() == null) {
                    problems.add("%s is invalid: the URL has no host; %s".formatted(name, accepted));
                    return Optional.empty();
                }
                String authority =
                        u.getRawAuthority().substring(u.getRawAuthority().indexOf('@') + 1);
                String jdbc = "jdbc:postgresql://" + authority
                        + Optional.ofNullable(u.getRawPath()).orElse("")
                        + Optional.ofNullable(u.getRawQuery()).map(q -> "?" + q).orElse("");
                String[] info = Optional.ofNullable(u.getRawUserInfo())
                        .map(i -> i.split(":", 2))
                        .orElse(new String[0]);
                return Optional.of(new DbUrl(
                        jdbc,
                        info.length > 0
                                ? Optional.of(URLDecoder.decode(info[0], StandardCharsets.UTF_8))
                                : Optional.empty(),
                        info.length > 1
                                ? Optional.of(URLDecoder.decode(info[1], StandardCharsets.UTF_8))
                                : Optional.empty()));
            } catch (URISyntaxException e) {
                problems.add("%s is not a valid URL (%s); %s".formatted(name, e.getReason(), accepted));
                return Optional.empty();
            }
        }

        List<String> list(String name, Pattern item, String accepted) {
            return items(name).stream()
                    .filter(p -> check(
                            item.matcher(p).matches(), "%s contains '%s': expected %s".formatted(name, p, accepted)))
                    .toList();
        }

        List<Cidr> networks(String name) {
            List<Cidr> out = new ArrayList<>();
            for (String p : items(name)) {
                try {
                    out.add(Cidr.parse(p));
                } catch (IllegalArgumentException e) {
                    problems.add(
                            "%s contains '%s': %s; expected comma-separated networks such as 10.20.0.0/16, fd12::/16, 192.168.5.7"
                                    .formatted(name, p, e.getMessage()));
                }
            }
            return List.copyOf(out);
        }

        /** {@code GW_LLM_*}: the primary and secondary providers, their limits and the models' prices. */
        NodeModels models() {
            var d = NodeModels.none();
            Duration timeout = Duration.ofMillis(
                    integer("GW_LLM_TIMEOUT_MS", (int) d.timeout().toMillis(), 100, 300_000));
            int retries = integer("GW_LLM_RETRIES", d.retries(), 0, 5);
            int concurrency = integer("GW_LLM_CONCURRENCY", d.concurrency(), 1, 1000);
            Duration open = Duration.ofSeconds(
                    integer("GW_LLM_BREAKER_OPEN_SECONDS", (int) d.breakerOpen().toSeconds(), 1, 3600));
            Prices prices = Prices.none();
            try {
                prices = Prices.parse(optional("GW_LLM_PRICES").orElse(null));
            } catch (IllegalArgumentException e) {
                problems.add("GW_LLM_PRICES: " + e.getMessage());
            }
            var primary = provider("primary", "GW_LLM_", timeout, retries);
            var secondary = provider("secondary", "GW_LLM_SECONDARY_", timeout, retries);
            if (optional("GW_LLM_PROVIDER").isEmpty()
                    && optional("GW_LLM_SECONDARY_PROVIDER").isPresent()) {
                problems.add("GW_LLM_SECONDARY_PROVIDER is set without GW_LLM_PROVIDER: set the primary first");
            }
            return new NodeModels(primary, secondary, prices, timeout, retries, concurrency, open);
        }

        private Optional<ProviderConfig> provider(String name, String prefix, Duration timeout, int retries) {
            String kindVar = prefix + "PROVIDER";
            List<String> others = List.of("BASE_URL", "API_KEY", "API_KEY_FILE", "MODEL", "CHEAP_MODEL").stream()
                    .map(v -> prefix + v)
                    .filter(v -> optional(v).isPresent())
                    .toList();
            Optional<String> rawKind = optional(kindVar);
            if (rawKind.isEmpty()) {
                if (!others.isEmpty()) {
                    problems.add("%s is set without %s (one of %s)"
                            .formatted(String.join(", ", others), kindVar, ProviderKind.codes()));
                }
                return Optional.empty();
            }
            Optional<ProviderKind> kind = ProviderKind.of(rawKind.get().toLowerCase(Locale.ROOT));
            if (kind.isEmpty()) {
                problems.add(
                        "%s=%s is invalid: expected one of %s".formatted(kindVar, rawKind.get(), ProviderKind.codes()));
                return Optional.empty();
            }
            String baseUrl = optional(prefix + "BASE_URL").isPresent()
                    ? url(prefix + "BASE_URL", kind.get().defaultBaseUrl()).toString()
                    : null;
            Optional<String> key = optional(prefix + "API_KEY");
            Optional<String> keyFile = optional(prefix + "API_KEY_FILE");
            String apiKey = null;
            if (key.isPresent() && keyFile.isPresent()) {
                problems.add("%sAPI_KEY and %sAPI_KEY_FILE are both set: set one".formatted(prefix, prefix));
            } else if (key.isPresent()) {
                apiKey = key.get();
            } else if (keyFile.isPresent()) {
                try {
                    apiKey = Files.readString(Path.of(keyFile.get())).strip();
                    check(!apiKey.isEmpty(), "%sAPI_KEY_FILE=%s is empty".formatted(prefix, keyFile.get()));
                } catch (IOException | RuntimeException e) {
                    problems.add("%sAPI_KEY_FILE=%s is not a readable file holding the provider's API key"
                            .formatted(prefix, keyFile.get()));
                }
            } else if (kind.get() != ProviderKind.OPENAI) {
                problems.add("%s=%s needs %sAPI_KEY or %sAPI_KEY_FILE"
                        .formatted(kindVar, kind.get().code(), prefix, prefix));
            }
            Optional<String> model = optional(prefix + "MODEL");
            if (model.isEmpty()) {
                problems.add("%s is set but %sMODEL is not: name the main model (e.g. gpt-4o-mini)"
                        .formatted(kindVar, prefix));
                return Optional.empty();
            }
            check(model.get().length() <= 100, prefix + "MODEL must be at most 100 characters");
            String cheap = optional(prefix + "CHEAP_MODEL").orElse(null);
            check(cheap == null || cheap.length() <= 100, prefix + "CHEAP_MODEL must be at most 100 characters");
            return Optional.of(
                    new ProviderConfig(name, kind.get(), baseUrl, apiKey, model.get(), cheap, timeout, retries));
        }

        /** The non-empty parts of a comma-separated variable. */
        private List<String> items(String name) {
            return optional(name).stream()
                    .flatMap(v -> Arrays.stream(v.split(",")))
                    .map(String::strip)
                    .filter(p -> !p.isEmpty())
                    .toList();
        }
    }
}
