package io.wagw.node.webhook;

import io.wagw.store.StoreException;
import io.wagw.store.webhook.RetryPlan;
import io.wagw.store.webhook.WebhookHeader;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One webhook of a session, as WAHA configures it in {@code config.webhooks[i]}:
 * <pre>{@code
 * {"url": "https://crm.example/wa", "events": ["message", "session.status"],
 *  "hmac": {"key": "..."}, "retries": {"attempts": 10, "delaySeconds": 5, "policy": "exponential"},
 *  "customHeaders": [{"name": "X-Api-Key", "value": "..."}]}
 * }</pre>
 * {@code hmac}, {@code retries} and {@code customHeaders} are optional ({@code null} = absent).
 *
 * @param events  the subscribed events; {@code "*"} subscribes to all of them
 * @param hmacKey the signing key, or null when deliveries are not signed
 */
public record WebhookConfig(
        String url, Set<WebhookEvent> events, String hmacKey, Retries retries, List<WebhookHeader> customHeaders) {

    public static final int MAX_WEBHOOKS = 20;
    public static final int MAX_HEADERS = 20;
    static final String FIELD = "config.webhooks";
    private static final Set<String> KEYS = Set.of("url", "events", "hmac", "retries", "customHeaders");
    private static final Set<String> RETRY_KEYS = Set.of("attempts", "delaySeconds", "policy");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    // Set by the dispatcher or by the HTTP client itself; a custom value would break delivery or signing.
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "content-length",
            "content-type",
            "connection",
            "expect",
            "upgrade",
            "transfer-encoding",
            "te",
            "trailer",
            "keep-alive",
            "proxy-connection",
            "http2-settings");

    /**
     * How a failed delivery is retried.
     *
     * @param attempts total attempts including the first (1-50)
     * @param delay    the base delay ({@code delaySeconds}, fractions allowed)
     */
    public record Retries(int attempts, Duration delay, RetryPolicy.Kind policy) {
        /** What a webhook without {@code retries} gets: 10 attempts, 5 s doubling up to the dispatcher's cap. */
        public static final Retries DEFAULT = new Retries(10, Duration.ofSeconds(5), RetryPolicy.Kind.EXPONENTIAL);

        public RetryPlan plan() {
            return new RetryPlan(attempts, policy.value(), delay);
        }
    }

    public WebhookConfig {
        events = Collections.unmodifiableSet(
                events.isEmpty() ? EnumSet.noneOf(WebhookEvent.class) : EnumSet.copyOf(events));
        customHeaders = List.copyOf(customHeaders);
    }

    public boolean subscribes(WebhookEvent event) {
        return events.contains(event);
    }

    /**
     * The usable webhooks of a stored session configuration ({@code config.webhooks}); none when absent.
     * Each webhook is read on its own: one that is invalid (stored before a rule existed, or written
     * around the API) is handed to {@code skipped} and the others still work.
     */
    public static List<WebhookConfig> fromSessionConfig(
            Map<String, ?> config, Consumer<StoreException.InvalidInput> skipped) {
        Object value = config == null ? null : config.get("webhooks");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            skipped.accept(invalid(FIELD, "must be a list of webhooks"));
            return List.of();
        }
        if (list.size() > MAX_WEBHOOKS) {
            skipped.accept(invalid(
                    FIELD, "holds more than %d webhooks; the first %d are used".formatted(MAX_WEBHOOKS, MAX_WEBHOOKS)));
        }
        List<WebhookConfig> out = new ArrayList<>();
        for (int i = 0; i < Math.min(list.size(), MAX_WEBHOOKS); i++) {
            try {
                out.add(parseOne(FIELD + "[" + i + "]", list.get(i)));
            } catch (StoreException.InvalidInput e) {
                skipped.accept(e);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Validates {@code config.webhooks} as a caller sends it: {@link #parse(Object)}, and a URL whose host
     * is an IP address must be one that {@code destinations} allows. Host names are checked when a
     * webhook is sent, since what they resolve to can change.
     *
     * @throws StoreException.InvalidInput naming the offending field, e.g. {@code config.webhooks[0].url}
     */
    public static List<WebhookConfig> parse(Object webhooksValue, DestinationPolicy destinations) {
        List<WebhookConfig> webhooks = parse(webhooksValue);
        for (int i = 0; i < webhooks.size(); i++) {
            String host = URI.create(webhooks.get(i).url()).getHost();
            Optional<InetAddress> literal = IpLiteral.parse(host);
            Optional<AddressClass> refusal = literal.flatMap(destinations::refusal);
            if (refusal.isPresent()) {
                throw invalid(
                        FIELD + "[" + i + "].url",
                        ("points at %s (%s); this node sends webhooks to public "
                                        + "addresses, and to others only inside GW_WEBHOOK_ALLOW_NETWORKS")
                                .formatted(
                                        literal.get().getHostAddress(),
                                        refusal.get().description()));
            }
        }
        return webhooks;
    }

    /**
     * Parses and validates the value of {@code config.webhooks} (plain maps and lists, as decoded from
     * JSON). {@code null} means no webhooks. URLs come back with their scheme and host in lower case.
     *
     * @throws StoreException.InvalidInput naming the offending field, e.g. {@code config.webhooks[0].url}
     */
    public static List<WebhookConfig> parse(Object webhooksValue) {
        if (webhooksValue == null) {
            return List.of();
        }
        if (!(webhooksValue instanceof List<?> list)) {
            throw invalid(FIELD, "must be a list of webhooks");
        }
        if (list.size() > MAX_WEBHOOKS) {
            throw invalid(FIELD, "must hold at most " + MAX_WEBHOOKS + " webhooks");
        }
        List<WebhookConfig> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(parseOne(FIELD + "[" + i + "]", list.get(i)));
        }
        return List.copyOf(out);
    }

    private static WebhookConfig parseOne(String field, Object value) {
        Map<?, ?> map = object(field, value);
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw invalid(field + "." + key, "is not a webhook field; known fields are " + sorted(KEYS));
            }
        }
        return new WebhookConfig(
                url(field + ".url", map.get("url")),
                events(field + ".events", map.get("events")),
                hmacKey(field + ".hmac", map.get("hmac")),
                retries(field + ".retries", map.get("retries")),
                headers(field + ".customHeaders", map.get("customHeaders")));
    }

    private static String url(String field, Object value) {
        String url = string(field, value, 2048);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(field, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            throw invalid(field, "must be an absolute http:// or https:// URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(field, "must not carry credentials; send them in customHeaders (e.g. Authorization)");
        }
        if (IpLiteral.isAmbiguousNumber(uri.getHost())) {
            throw invalid(field, "has a numeric host that is not an IPv4 address in the form a.b.c.d");
        }
        // The outbox only takes lower-case schemes, and one spelling per URL keeps a webhook's deliveries in one queue.
        String prefix = uri.getScheme() + "://" + uri.getRawAuthority();
        if (!url.startsWith(prefix)) {
            throw invalid(field, "is not a valid URL");
        }
        return scheme + "://" + uri.getRawAuthority().toLowerCase(Locale.ROOT) + url.substring(prefix.length());
    }

    private static Set<WebhookEvent> events(String field, Object value) {
        if (value == null) {
            throw invalid(field, "is required, e.g. [\"message\", \"session.status\"]");
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw invalid(field, "must be a non-empty list of event names");
        }
        Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
        for (int i = 0; i < list.size(); i++) {
            Object name = list.get(i);
            if (WebhookEvent.ALL.equals(name)) {
                events.addAll(EnumSet.allOf(WebhookEvent.class));
                continue;
            }
            String at = field + "[" + i + "]";
            if (!(name instanceof String s)) {
                throw invalid(at, "must be an event name");
            }
            events.add(WebhookEvent.byWireName(s)
                    .orElseThrow(() -> invalid(
                            at,
                            "'%s' is not a supported event; supported: %s"
                                    .formatted(abbreviate(s), supportedEvents()))));
        }
        return events;
    }

    private static String hmacKey(String field, Object value) {
        if (value == null) {
            return null;
        }
        Map<?, ?> map = object(field, value);
        for (Object key : map.keySet()) {
            if (!"key".equals(key)) {
                throw invalid(field + "." + key, "is not an hmac field; the only one is 'key'");
            }
        }
        Object key = map.get("key");
        if (key == null) {
            return null;
        }
        if (!(key instanceof String s) || s.isEmpty()) {
            throw invalid(field + ".key", "must be a non-empty string (omit hmac to send unsigned webhooks)");
        }
        if (s.length() > 1024) {
            throw invalid(field + ".key", "must be at most 1024 characters");
        }
        return s;
    }

    private static Retries retries(String field, Object value) {
        if (value == null) {
            return Retries.DEFAULT;
        }
        Map<?, ?> map = object(field, value);
        for (Object key : map.keySet()) {
            if (!RETRY_KEYS.contains(key)) {
                throw invalid(field + "." + key, "is not a retries field; known fields are " + sorted(RETRY_KEYS));
            }
        }
        int attempts = Retries.DEFAULT.attempts();
        if (map.get("attempts") != null) {
            BigDecimal n = number(field + ".attempts", map.get("attempts"));
            if (n.stripTrailingZeros().scale() > 0
                    || n.compareTo(BigDecimal.ONE) < 0
                    || n.compareTo(BigDecimal.valueOf(50)) > 0) {
                throw invalid(
                        field + ".attempts",
                        "must be a whole number from 1 to 50 (total attempts, the first included)");
            }
            attempts = n.intValueExact();
        }
        Duration delay = Retries.DEFAULT.delay();
        if (map.get("delaySeconds") != null) {
            BigDecimal s = number(field + ".delaySeconds", map.get("delaySeconds"));
            if (s.compareTo(new BigDecimal("0.01")) < 0 || s.compareTo(BigDecimal.valueOf(3600)) > 0) {
                throw invalid(field + ".delaySeconds", "must be between 0.01 and 3600 seconds");
            }
            delay = Duration.ofMillis(s.movePointRight(3).longValue());
        }
        RetryPolicy.Kind policy = Retries.DEFAULT.policy();
        if (map.get("policy") != null) {
            Object p = map.get("policy");
            policy = Arrays.stream(RetryPolicy.Kind.values())
                    .filter(k -> k.value().equals(p))
                    .findFirst()
                    .orElseThrow(() -> invalid(field + ".policy", "must be one of constant, linear, exponential"));
        }
        return new Retries(attempts, delay, policy);
    }

    private static List<WebhookHeader> headers(String field, Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(field, "must be a list of {name, value}");
        }
        if (list.size() > MAX_HEADERS) {
            throw invalid(field, "must hold at most " + MAX_HEADERS + " headers");
        }
        List<WebhookHeader> headers = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            Map<?, ?> map = object(at, list.get(i));
            for (Object key : map.keySet()) {
                if (!"name".equals(key) && !"value".equals(key)) {
                    throw invalid(at + "." + key, "is not a header field; known fields are [name, value]");
                }
            }
            String name = string(at + ".name", map.get("name"), 100);
            if (!HEADER_NAME.matcher(name).matches()) {
                throw invalid(at + ".name", "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower) || lower.startsWith("x-webhook-")) {
                throw invalid(at + ".name", "'%s' is set by the gateway and cannot be overridden".formatted(name));
            }
            Object v = map.get("value");
            if (!(v instanceof String s)) {
                throw invalid(at + ".value", "is required and must be a string");
            }
            if (s.length() > 4096 || s.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                throw invalid(at + ".value", "must be at most 4096 characters without control characters");
            }
            headers.add(new WebhookHeader(name, s));
        }
        return headers;
    }

    private static Map<?, ?> object(String field, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(field, "must be an object");
        }
        return map;
    }

    private static String string(String field, Object value, int max) {
        if (value == null) {
            throw invalid(field, "is required");
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw invalid(field, "must be a non-empty string");
        }
        if (s.length() > max) {
            throw invalid(field, "must be at most " + max + " characters");
        }
        return s;
    }

    private static BigDecimal number(String field, Object value) {
        if (!(value instanceof Number n)) {
            throw invalid(field, "must be a number");
        }
        try {
            return new BigDecimal(n.toString());
        } catch (NumberFormatException e) {
            throw invalid(field, "must be a finite number");
        }
    }

    private static StoreException.InvalidInput invalid(String field, String rule) {
        return new StoreException.InvalidInput(field, field + " " + rule);
    }

    private static String supportedEvents() {
        return Arrays.stream(WebhookEvent.values()).map(WebhookEvent::wireName).collect(Collectors.joining(", "))
                + " and " + WebhookEvent.ALL;
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Override
    public String toString() {
        // The key is a secret and the URL may carry a token.
        URI uri = URI.create(url);
        return "WebhookConfig[%s://%s, events=%s, signed=%s, retries=%s, customHeaders=%d]"
                .formatted(uri.getScheme(), uri.getHost(), events, hmacKey != null, retries, customHeaders.size());
    }
}
