package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.ApiChecks;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.RawHttp;
import io.wagw.node.testing.TestEnv;
import io.wagw.store.session.SessionStatus;
import io.wagw.store.tenant.TenantStatus;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real HTTP against a real node: first generated on every route the node documents in its
 * own {@code GET /openapi.json} (bad path parameters, query values, bodies and content types, with and
 * without the admin key; seeded, the seed is printed and {@code -Dfuzz.seed=N} repeats a run; a few hundred
 * requests), where no answer may be a server error and every client error is a JSON {@code {error, message}};
 * then each kind of input the generator found answered with a 5xx, or that reached the database or the log,
 * on its own.
 */
class BadInputTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20_260_501L);
    private static final int CASES_PER_ROUTE = 10;
    private static final String CHAT = "77011234567@c.us";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String RAW = "__raw_json__";

    private static final List<String> BAD_SEGMENTS = List.of(
            "%ZZ",
            "%",
            "%2",
            "%G1",
            "%00",
            "a%00b",
            "%0D%0AX-Injected:%201",
            "%01%1F%7F",
            "%1B%5B2J",
            "..",
            "%2E%2E",
            "..%2F..%2Fetc%2Fpasswd",
            "%2F",
            "%25",
            "%2525",
            "%25ZZ",
            "%C3%28",
            "%FF%FE",
            "%E2%80%AE",
            "%F0%9F%98%80",
            "Bad%20Name",
            "-",
            "-1",
            "0",
            "99999999999999999999999",
            "%20",
            "null",
            "%7B%7D",
            "'%3B--",
            "a+b",
            ";",
            "*",
            "77011234567%2540c.us",
            "%ZZ@c.us");
    private static final List<String> BAD_STRINGS = List.of(
            "a\u0000b",
            "\u0000",
            "\u0001",
            "tab\tand\u007f",
            "x\u001b[2J",
            "a\r\nInjected: 1",
            "\u202eevil",
            "%ZZ",
            "../../etc/passwd",
            "",
            " ",
            "null",
            "\ud83d\ude00");
    private static final List<String> NOT_JSON = List.of(
            "",
            "{",
            "nul",
            "{\"a\":}",
            "[1,2",
            "<xml/>",
            "{'a':1}",
            "{\"a\":1}}",
            "\u0000",
            "{\"a\":\"\u0000\"}",
            "[]",
            "1",
            "\"text\"",
            "null",
            "true",
            "{\"\":1}",
            "\ufeff{}");
    private static final List<String> WRONG_CONTENT_TYPES = List.of(
            "application/jsonfoo",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=fuzz",
            "application/xml",
            "json",
            "application/json-seq",
            "");

    private static Node node;
    private static String tenant;
    private static String session;

    @BeforeAll
    static void startNode() {
        node = Node.start(NodeConfig.fromEnv(TestEnv.nodeEnv("fuzz-node")), new AutoReplyHandler());
        tenant = TestEnv.unique("fuzz");
        session = TestEnv.unique("fuzz");
        // a suspended tenant: its session cannot start, whatever a request that slipped through asked for
        TestEnv.store().tenants().create(tenant, "Fuzz tenant", "free");
        TestEnv.store().tenants().setStatus(tenant, TenantStatus.SUSPENDED);
        TestEnv.store().sessions().create(tenant, session, Map.of());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** A documented operation: its parameters and, when it takes one, its body's schema ($refs resolved). */
    private record Route(String method, String path, List<String> pathParams, List<String> queryParams, JsonNode body) {
        static List<Route> all(JsonNode doc) {
            List<Route> routes = new ArrayList<>();
            doc.path("paths")
                    .properties()
                    .forEach(p -> p.getValue().properties().forEach(op -> {
                        List<String> inPath = new ArrayList<>();
                        List<String> inQuery = new ArrayList<>();
                        op.getValue()
                                .path("parameters")
                                .forEach(param -> (param.path("in").asText().equals("path") ? inPath : inQuery)
                                        .add(param.path("name").asText()));
                        JsonNode schema = op.getValue()
                                .path("requestBody")
                                .path("content")
                                .path("application/json")
                                .path("schema");
                        routes.add(new Route(
                                op.getKey().toUpperCase(),
                                p.getKey(),
                                inPath,
                                inQuery,
                                schema.isMissingNode() ? null : resolve(doc, schema)));
                    }));
            return routes;
        }

        private static JsonNode resolve(JsonNode doc, JsonNode schema) {
            if (schema.has("$ref")) {
                return resolve(doc, doc.at(schema.path("$ref").asText().substring(1)));
            }
            if (!schema.isObject()) {
                return schema;
            }
            ObjectNode out = schema.deepCopy();
            schema.properties().forEach(e -> out.set(e.getKey(), resolve(doc, e.getValue())));
            return out;
        }

        /** Whether a request without a body may change state: such calls only get bad path parameters. */
        boolean actsWithoutBody() {
            return !method.equals("GET") && body == null;
        }
    }

    private record Request(String method, String target, Map<String, String> headers, byte[] body, String what) {
        String describe() {
            String shownBody = body == null ? "" : " body " + printable(new String(body, StandardCharsets.UTF_8));
            return method + " " + printable(target) + " " + headers.keySet() + " [" + what + "]" + shownBody;
        }
    }

    @Test
    void generatedBadInputOnEveryDocumentedRouteNeverGetsAServerError() {
        System.out.println("BadInputTest seed " + SEED + " (repeat with -Dfuzz.seed=" + SEED + ")");
        var random = new Random(SEED);
        var routes =
                Route.all(new Http(node.baseUrl(), null).get("/openapi.json").json());
        List<String> failures = new ArrayList<>();
        int sent = 0;
        long t0 = System.nanoTime();
        for (Route route : routes) {
            if (route.pathParams().isEmpty() && route.actsWithoutBody()) {
                continue; // takes no input at all (signing out of the console): nothing to get wrong
            }
            for (int i = 0; i < CASES_PER_ROUTE; i++) {
                Request request = generate(random, route);
                try {
                    var response = RawHttp.send(
                            node.baseUrl(), request.method(), request.target(), request.headers(), request.body());
                    ApiChecks.violation(response).ifPresent(v -> failures.add(request.describe() + "\n    -> " + v));
                } catch (UncheckedIOException e) {
                    failures.add(request.describe() + "\n    -> " + e.getMessage());
                }
                sent++;
            }
        }
        System.out.printf(
                "BadInputTest: %d requests on %d routes in %d ms, %d failures%n",
                sent, routes.size(), (System.nanoTime() - t0) / 1_000_000, failures.size());
        assertThat(routes).hasSizeGreaterThan(30);
        assertThat(failures).as("seed " + SEED + ": requests answered badly").isEmpty();
        assertThat(TestEnv.store().sessions().get(session).status())
                .as("nothing acted on the session")
                .isEqualTo(SessionStatus.STOPPED);
    }

    @Test
    void malformedPercentEscapesInThePathOrQueryAre400NamingWhichOne() {
        for (String target : List.of(
                "/api/sessions/%ZZ",
                "/api/sessions/%G1/start", "/api/" + session + "/chats/%C3%28@c.us/messages", "/api/sessions/abc%")) {
            var r = raw("GET", target, null, null);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.json().path("field").asText()).as(target).isEqualTo("path");
        }
        for (String target :
                List.of("/api/sessions?all=%ZZ", "/api/sessions/" + session + "?%ZZ=1", "/api/tenants?x=%FF")) {
            var r = raw("GET", target, null, null);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.json().path("field").asText()).as(target).isEqualTo("query");
        }
    }

    @Test
    void aChatIdInThePathIsDecodedExactlyOnce() {
        var once = raw("GET", "/api/" + session + "/chats/77011234567%40c.us/messages", null, null);
        assertThat(once.status()).as(once.text()).isEqualTo(200);
        var twice = raw("GET", "/api/" + session + "/chats/77011234567%2540c.us/messages", null, null);
        assertThat(twice.status()).as("'%40' is not decoded a second time").isEqualTo(400);
        assertThat(twice.json().path("field").asText()).isEqualTo("chatId");
    }

    @Test
    void aRequestTheHttpCodecRefusesGetsAJsonError() {
        var longLine = raw("GET", "/api/sessions/" + "a".repeat(5000), null, null);
        assertThat(longLine.status()).isEqualTo(414);
        assertThat(longLine.json().path("error").asText()).isEqualTo("uri_too_long");
        var hugeHeaders = RawHttp.send(node.baseUrl(), "GET", "/health", Map.of("X-Padding", "x".repeat(10_000)), null);
        assertThat(hugeHeaders.status()).isEqualTo(431);
        assertThat(hugeHeaders.json().path("error").asText()).isEqualTo("headers_too_large");
    }

    @Test
    void aConfigFieldSetToNullIsAbsentAndTheSessionStaysReadable() {
        String name = created();
        var r = raw(
                "PUT",
                "/api/sessions/" + name,
                "application/json",
                "{\"config\":{\"proxy\":null,\"debug\":null,\"webhooks\":null,\"metadata\":{\"crm\":\"42\"}}}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().path("config").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("metadata");
        assertThat(raw("GET", "/api/sessions/" + name, null, null).status()).isEqualTo(200);
        assertThat(raw("GET", "/api/sessions?all=true", null, null).status()).isEqualTo(200);
    }

    @Test
    void controlCharactersInTextFieldsAreRefusedNamingTheField() {
        String name = created();
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("config.autoReply", new String[] {
            "PUT", "/api/sessions/" + name, json(Map.of("config", Map.of("autoReply", "We are open\u0000")))
        });
        cases.put("config.metadata.crm\u0001", new String[] {
            "PUT", "/api/sessions/" + name, json(Map.of("config", Map.of("metadata", Map.of("crm\u0001", "42"))))
        });
        cases.put("config.metadata.crm", new String[] {
            "PUT", "/api/sessions/" + name, json(Map.of("config", Map.of("metadata", Map.of("crm", "4\u007f2"))))
        });
        cases.put("config.webhooks[0].hmac.key", new String[] {
            "PUT",
            "/api/sessions/" + name,
            json(Map.of(
                    "config",
                    Map.of(
                            "webhooks",
                            List.of(Map.of(
                                    "url",
                                    "http://127.0.0.1:9/hook",
                                    "events",
                                    List.of("message"),
                                    "hmac",
                                    Map.of("key", "s3cret\u0000"))))))
        });
        cases.put("config.webhooks[0].customHeaders[0].value", new String[] {
            "PUT",
            "/api/sessions/" + name,
            json(Map.of(
                    "config",
                    Map.of(
                            "webhooks",
                            List.of(Map.of(
                                    "url",
                                    "http://127.0.0.1:9/hook",
                                    "events",
                                    List.of("message"),
                                    "customHeaders",
                                    List.of(Map.of("name", "X-Token", "value", "t\r\nX-Forged: 1")))))))
        });
        cases.put("displayName", new String[] {
            "POST", "/api/tenants", json(Map.of("slug", TestEnv.unique("t"), "displayName", "Salon\nAida"))
        });
        cases.put("text", new String[] {
            "POST", "/api/sendText", json(Map.of("session", name, "chatId", CHAT, "text", "hello\u001b[2J"))
        });
        cases.forEach((field, c) -> {
            var r = raw(c[0], c[1], "application/json", c[2]);
            assertThat(r.status()).as(field + ": " + r.text()).isEqualTo(400);
            assertThat(r.json().path("field").asText()).isEqualTo(field);
            assertThat(r.text()).doesNotContain("s3cret");
        });
        var multiLine = raw(
                "POST",
                "/api/sendText",
                "application/json",
                json(Map.of("session", name, "chatId", CHAT, "text", "line one\r\n\tline two")));
        assertThat(multiLine.status())
                .as("tab and line breaks are text: refused only because the session is stopped")
                .isEqualTo(409);
    }

    @Test
    void onlyApplicationJsonIsTakenAsJson() {
        String body = json(Map.of("name", session, "start", false, "tenant", tenant));
        for (String type : List.of(
                "application/jsonfoo",
                "application/json-patch+json",
                "text/plain",
                "application/json; charset=latin1")) {
            var r = raw("POST", "/api/sessions", type, body);
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(r.json().path("error").asText()).isEqualTo("unsupported_media_type");
        }
        for (String type :
                List.of("application/json", "Application/JSON; charset=UTF-8", "application/json;charset=\"utf-8\"")) {
            assertThat(raw("POST", "/api/sessions", type, body).status())
                    .as(type + ": read, and the name is taken")
                    .isEqualTo(409);
        }
    }

    @Test
    void aKeyTwiceInOneObjectIsRefusedNamingIt() {
        var top = raw("POST", "/api/sessions", "application/json", "{\"name\":\"" + session + "\",\"name\":\"other\"}");
        assertThat(top.status()).isEqualTo(400);
        assertThat(top.json().path("error").asText()).isEqualTo("duplicate_key");
        assertThat(top.json().path("field").asText()).isEqualTo("name");
        var nested = raw(
                "PUT",
                "/api/sessions/" + session,
                "application/json",
                "{\"config\":{\"metadata\":{\"crm\":\"1\",\"crm\":\"2\"}}}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().path("field").asText()).isEqualTo("config.metadata.crm");
    }

    @Test
    void aBodyNestedDeeperThanAConfigNeedsIsRefused() {
        var r = raw(
                "PUT",
                "/api/sessions/" + session,
                "application/json",
                "{\"config\":{\"metadata\":" + "[".repeat(40) + "]".repeat(40) + "}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("malformed_json");
    }

    /** A new stopped session of the fuzz tenant. */
    private static String created() {
        String name = TestEnv.unique("bad");
        TestEnv.store().sessions().create(tenant, name, Map.of());
        return name;
    }

    private static Http.Response raw(String method, String target, String contentType, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Api-Key", node.adminKey());
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return RawHttp.send(
                node.baseUrl(), method, target, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Request generate(Random random, Route route) {
        List<String> kinds = new ArrayList<>();
        if (!route.pathParams().isEmpty()) {
            kinds.add("path");
        }
        if (!route.actsWithoutBody()) {
            kinds.add(route.body() != null ? "body" : "query");
            kinds.add(route.body() != null ? "body" : "query"); // bodies and queries more often than paths
        }
        String kind = kinds.get(random.nextInt(kinds.size()));
        String badParam = kind.equals("path")
                ? route.pathParams().get(random.nextInt(route.pathParams().size()))
                : null;
        String path = route.path();
        for (String p : route.pathParams()) {
            path = path.replace("{" + p + "}", p.equals(badParam) ? badSegment(random) : valid(p));
        }
        String query = kind.equals("query") ? badQuery(random, route) : "";
        Map<String, String> headers = new LinkedHashMap<>();
        int key = random.nextInt(10);
        if (key < 8) {
            headers.put("X-Api-Key", node.adminKey());
        } else if (key == 8) {
            headers.put("X-Api-Key", "wagw_" + HexFormat.of().formatHex(bytes(random, 20)));
        }
        if (!kind.equals("body")) {
            return new Request(route.method(), path + query, headers, null, kind + (key < 8 ? "" : " no admin key"));
        }
        return bodyRequest(random, route, path, headers, key < 8 ? "" : " no admin key");
    }

    private static Request bodyRequest(
            Random random, Route route, String path, Map<String, String> headers, String keyNote) {
        int pick = random.nextInt(20);
        String contentType = random.nextInt(4) == 0 ? "application/json; charset=utf-8" : "application/json";
        String body;
        String what;
        if (pick < 12) {
            var mutated = mutate(random, route);
            body = mutated[0];
            what = "body: " + mutated[1];
        } else if (pick < 15) {
            body = NOT_JSON.get(random.nextInt(NOT_JSON.size()));
            what = "body: not a JSON object";
        } else if (pick < 18) {
            body = serialize(template(route.body()), null);
            contentType = WRONG_CONTENT_TYPES.get(random.nextInt(WRONG_CONTENT_TYPES.size()));
            what = "content type " + contentType;
        } else if (pick == 18) {
            int depth = 1000 + random.nextInt(100_000);
            body = random.nextBoolean()
                    ? "[".repeat(depth) + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            what = "body: nested " + depth + " deep";
        } else {
            body = "{\"x\":\"" + "x".repeat((int) RequestBody.MAX_BYTES - 200 + random.nextInt(400)) + "\"}";
            what = "body: about the size limit";
        }
        if (random.nextInt(10) == 0) {
            contentType = null;
            what += ", no content type";
        }
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return new Request(route.method(), path, headers, body.getBytes(StandardCharsets.UTF_8), what + keyNote);
    }

    /** A plausible body for the schema with one thing wrong; returns the body and what is wrong with it. */
    private static String[] mutate(Random random, Route route) {
        ObjectNode body = template(route.body());
        List<Slot> slots = new ArrayList<>();
        collect(body, "", slots);
        if (slots.isEmpty()) {
            return new String[] {"{\"unexpected\":1}", "unknown field"};
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        String raw = null;
        String what;
        switch (random.nextInt(8)) {
            case 0 -> {
                JsonNode wrong = List.<JsonNode>of(
                                NODES.numberNode(12345),
                                NODES.booleanNode(true),
                                NODES.arrayNode(),
                                NODES.objectNode(),
                                NODES.numberNode(-1.5),
                                NODES.textNode("12345"))
                        .get(random.nextInt(6));
                slot.set(wrong.getNodeType() == slot.get().getNodeType() ? NODES.nullNode() : wrong);
                what = slot.name + " as " + slot.get().getNodeType();
            }
            case 1, 2 -> {
                String bad = BAD_STRINGS.get(random.nextInt(BAD_STRINGS.size()));
                slot.set(NODES.textNode(bad));
                what = slot.name + " = " + printable(bad);
            }
            case 3 -> {
                int length = List.of(4097, 65_537, 300_000).get(random.nextInt(3));
                slot.set(NODES.textNode("x".repeat(length)));
                what = slot.name + " " + length + " characters long";
            }
            case 4 -> {
                raw = random.nextBoolean() ? "\"\\ud800\"" : "\"a\\u0000b\"";
                slot.set(NODES.textNode(RAW));
                what = slot.name + " = " + raw;
            }
            case 5 -> {
                int depth = 500 + random.nextInt(3000);
                raw = "[".repeat(depth) + "]".repeat(depth);
                slot.set(NODES.textNode(RAW));
                what = slot.name + " nested " + depth + " deep";
            }
            case 6 -> {
                if (slot.parent instanceof ObjectNode o) {
                    String first = slot.get().toString();
                    slot.set(NODES.textNode(RAW));
                    raw = first + ",\"" + slot.name.substring(slot.name.lastIndexOf('.') + 1) + "\":"
                            + (random.nextBoolean() ? first : "17");
                    what = slot.name + " twice";
                } else {
                    slot.set(NODES.textNode(RAW));
                    raw = "1,}";
                    what = slot.name + " followed by a stray comma";
                }
            }
            default -> {
                if (slot.parent instanceof ObjectNode o) {
                    o.put("unexpected_" + random.nextInt(100), "x");
                    what = "an unknown field next to " + slot.name;
                } else {
                    slot.set(NODES.textNode("%00"));
                    what = slot.name + " = %00";
                }
            }
        }
        return new String[] {serialize(body, raw), what};
    }

    /** A value in a body tree that a mutation may replace. */
    private static final class Slot {
        final ContainerNode<?> parent;
        final String name;
        final String field;
        final int index;

        Slot(ContainerNode<?> parent, String name, String field, int index) {
            this.parent = parent;
            this.name = name;
            this.field = field;
            this.index = index;
        }

        JsonNode get() {
            return parent instanceof ObjectNode o ? o.get(field) : ((ArrayNode) parent).get(index);
        }

        void set(JsonNode value) {
            if (parent instanceof ObjectNode o) {
                o.set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }
    }

    private static void collect(JsonNode node, String at, List<Slot> slots) {
        if (node instanceof ObjectNode o) {
            o.properties().forEach(e -> {
                String name = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
                slots.add(new Slot(o, name, e.getKey(), -1));
                collect(e.getValue(), name, slots);
            });
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Slot(a, at + "[" + i + "]", null, i));
                collect(a.get(i), at + "[" + i + "]", slots);
            }
        }
    }

    /** A plausible value for every property of a schema, so that a single mutation is what gets refused. */
    private static ObjectNode template(JsonNode schema) {
        ObjectNode out = NODES.objectNode();
        schema.path("properties").properties().forEach(e -> out.set(e.getKey(), value(e.getValue(), e.getKey())));
        if (schema.path("additionalProperties").isObject()) {
            out.set("crm", value(schema.path("additionalProperties"), "crm"));
        }
        return out;
    }

    private static JsonNode value(JsonNode schema, String name) {
        if (schema.path("enum").isArray() && !name.equals("status")) {
            return schema.path("enum").get(0);
        }
        return switch (schema.path("type").asText()) {
            case "object" -> template(schema);
            case "array" -> NODES.arrayNode().add(value(schema.path("items"), name));
            case "boolean" -> NODES.booleanNode(false);
            case "integer", "number" -> NODES.numberNode(1);
            case "string" -> NODES.textNode(valid(name));
            default -> NODES.nullNode();
        };
    }

    /** A valid value for a parameter or field of this name. */
    private static String valid(String name) {
        return switch (name) {
            case "name", "session" -> session;
            case "slug", "tenant" -> tenant;
            case "chatId" -> CHAT;
            case "id" -> "1";
            case "status" -> TenantStatus.SUSPENDED.value();
            case "url" -> "http://127.0.0.1:9/hook";
            case "events" -> "message";
            case "phoneNumber" -> "77011234567";
            case "displayName" -> "Fuzz tenant";
            case "plan" -> "free";
            default -> "hello";
        };
    }

    private static String serialize(ObjectNode body, String raw) {
        try {
            String text = JSON.writeValueAsString(body);
            return raw == null ? text : text.replace("\"" + RAW + "\"", raw);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String badSegment(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> "a".repeat(65 + random.nextInt(3000));
            case 1 -> "%41".repeat(22 + random.nextInt(1000));
            case 2 -> percentEncoded(bytes(random, 1 + random.nextInt(40)));
            default -> BAD_SEGMENTS.get(random.nextInt(BAD_SEGMENTS.size()));
        };
    }

    private static String badQuery(Random random, Route route) {
        List<String> names = new ArrayList<>(route.queryParams());
        names.addAll(List.of("%ZZ", "limit", "all", "a%00"));
        var query = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String param = names.get(random.nextInt(names.size()));
            String value = switch (random.nextInt(4)) {
                case 0 ->
                    List.of("", "-5", "0", "1e9", "2147483648", "true%00", "raw%00", "RAW", "%", "%ZZ")
                            .get(random.nextInt(10));
                default -> badSegment(random);
            };
            query.append(i == 0 ? '?' : '&').append(param).append('=').append(value);
        }
        if (random.nextInt(5) == 0) {
            query.append(List.of("&", "&&", "&=", "&a", "&=%").get(random.nextInt(5)));
        }
        return query.toString();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String percentEncoded(byte[] bytes) {
        var out = new StringBuilder();
        for (byte b : bytes) {
            out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static String printable(String s) {
        String shown = s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
        var out = new StringBuilder();
        shown.codePoints()
                .forEach(c -> out.append(c < 0x20 || c == 0x7f ? "\\u%04x".formatted(c) : Character.toString(c)));
        return out.toString();
    }
}
