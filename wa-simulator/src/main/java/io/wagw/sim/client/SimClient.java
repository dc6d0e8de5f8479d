package io.wagw.sim.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.CollectionType;
import io.wagw.sim.api.AccountInfo;
import io.wagw.sim.api.CustomerInfo;
import io.wagw.sim.api.DeviceInfo;
import io.wagw.sim.api.Faults;
import io.wagw.sim.api.MessageInfo;
import io.wagw.sim.api.PageInfo;
import io.wagw.sim.api.Stats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking Java client of the simulator's {@code /sim/} control API, for tests and benchmarks of
 * other modules. Each method is one HTTP call; a 4xx answer becomes a {@link SimApiException}
 * carrying the API's {@code error} code. Thread-safe.
 */
public final class SimClient {
    /** A refusal of the control API: {@code status}, {@code error} code, {@code message}, {@code field}. */
    public static final class SimApiException extends RuntimeException {
        private final int status;
        private final String error;
        private final String field;

        public SimApiException(int status, String error, String message, String field) {
            super(status + " " + error + ": " + message);
            this.status = status;
            this.error = error;
            this.field = field;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }

        public String field() {
            return field;
        }
    }

    private final String baseUrl;
    private final HttpClient http;
    private final ObjectMapper mapper =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** @param baseUrl e.g. {@code http://127.0.0.1:7070} */
    public SimClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public AccountInfo createAccount(String phone, String pushName) {
        return as(call("POST", "/sim/accounts", Map.of("phone", phone, "pushName", pushName)), AccountInfo.class);
    }

    public AccountInfo account(String phone) {
        return as(call("GET", "/sim/accounts/" + phone, null), AccountInfo.class);
    }

    /** The phone of {@code phone} scans a QR: {@code qrPayload} is the page's {@code data-ref}. */
    public DeviceInfo linkByQr(String phone, String qrPayload) {
        return as(call("POST", "/sim/accounts/" + phone + "/link", Map.of("qr", qrPayload)), DeviceInfo.class);
    }

    /** The phone of {@code phone} enters a pairing code ({@code ABCD-EFGH} or {@code ABCDEFGH}). */
    public DeviceInfo linkByCode(String phone, String code) {
        return as(call("POST", "/sim/accounts/" + phone + "/link", Map.of("code", code)), DeviceInfo.class);
    }

    public List<DeviceInfo> devices(String phone) {
        return list(call("GET", "/sim/accounts/" + phone + "/devices", null).get("devices"), DeviceInfo.class);
    }

    /** The phone unlinks a device; its pages are logged out. {@code deviceId} is {@code <phone>:<n>}. */
    public void unlink(String phone, String deviceId) {
        call("DELETE", "/sim/accounts/" + phone + "/devices/" + encode(deviceId), null);
    }

    /** What {@code phone} sent, oldest first, with acks. */
    public List<MessageInfo> sent(String phone) {
        return list(call("GET", "/sim/accounts/" + phone + "/sent", null).get("messages"), MessageInfo.class);
    }

    /** What customers sent to {@code phone}, oldest first; ack 1 queued, 2 delivered to a device, 3 read. */
    public List<MessageInfo> received(String phone) {
        return list(call("GET", "/sim/accounts/" + phone + "/received", null).get("messages"), MessageInfo.class);
    }

    /** Registers or updates a customer; {@code null} keeps a value. */
    public CustomerInfo upsertCustomer(String phone, String pushName, Boolean online) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (pushName != null) body.put("pushName", pushName);
        if (online != null) body.put("online", online);
        return as(call("PUT", "/sim/customers/" + phone, body), CustomerInfo.class);
    }

    /** Customer {@code from} sends {@code text} to account {@code to}. */
    public MessageInfo customerSends(String from, String to, String text) {
        return as(
                call("POST", "/sim/customers/" + from + "/messages", Map.of("to", to, "text", text)),
                MessageInfo.class);
    }

    /** Customer {@code customer} reads everything {@code account} sent it; returns how many changed. */
    public int customerReads(String customer, String account) {
        return call("POST", "/sim/customers/" + customer + "/read", Map.of("account", account))
                .get("updated")
                .asInt();
    }

    /** Customer acks what {@code account} sent it: {@code ack} is delivered, read or played. */
    public int customerAcks(String customer, String account, String ack) {
        return call("POST", "/sim/customers/" + customer + "/acks", Map.of("account", account, "ack", ack))
                .get("updated")
                .asInt();
    }

    public List<PageInfo> pages() {
        return list(call("GET", "/sim/pages", null).get("pages"), PageInfo.class);
    }

    public Stats stats() {
        return as(call("GET", "/sim/stats", null), Stats.class);
    }

    public Faults faults(Faults faults) {
        return as(
                call(
                        "PUT",
                        "/sim/faults",
                        Map.of(
                                "latencyMs",
                                faults.latencyMs(),
                                "failSends",
                                faults.failSends(),
                                "queuedAsHistory",
                                faults.queuedAsHistory())),
                Faults.class);
    }

    /** Drops every page connection; returns how many. */
    public int dropConnections() {
        return call("POST", "/sim/faults/drop", Map.of()).get("dropped").asInt();
    }

    /** One raw call; answers the body as JSON, or throws {@link SimApiException} for a 4xx/5xx. */
    public JsonNode call(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, publisher)
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? mapper.nullNode() : mapper.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new SimApiException(
                        response.statusCode(),
                        json.path("error").asText(),
                        json.path("message").asText(),
                        json.path("field").isNull() ? null : json.path("field").asText(null));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private <T> T as(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unexpected answer: " + node, e);
        }
    }

    private <T> List<T> list(JsonNode node, Class<T> type) {
        CollectionType t = mapper.getTypeFactory().constructCollectionType(List.class, type);
        return mapper.convertValue(node, t);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
