package io.wagw.node.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The demo's phone and customer: calls the simulator's {@code /sim/} control API over HTTP. */
public final class SimulatedPhone {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public SimulatedPhone(URI simulator) {
        String s = simulator.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Creates the account unless it exists. */
    public void ensureAccount(String phone, String pushName) {
        var r = call("POST", "/sim/accounts", Map.of("phone", phone, "pushName", pushName));
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("simulator refused the account: " + r.body());
        }
    }

    public void scan(String phone, String qr) {
        var r = call("POST", "/sim/accounts/" + phone + "/link", Map.of("qr", qr));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("the simulated phone could not scan: " + r.body());
        }
    }

    /** Makes a customer (or the business's manager) known to the simulated WhatsApp, online. */
    public void ensureCustomer(String phone, String pushName) {
        var r = call("PUT", "/sim/customers/" + phone, Map.of("pushName", pushName, "online", true));
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("the simulated customer could not be created: " + r.body());
        }
    }

    public void customerSays(String customer, String account, String text) {
        var r = call("POST", "/sim/customers/" + customer + "/messages", Map.of("to", account, "text", text));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("the simulated customer could not send: " + r.body());
        }
    }

    /** The texts the account sent to a customer, oldest first. */
    public List<String> sentTo(String account, String customer) {
        var r = call("GET", "/sim/accounts/" + account + "/sent?customer=" + customer, null);
        try {
            JsonNode n = JSON.readTree(r.body());
            var out = new ArrayList<String>();
            n.path("messages").forEach(m -> out.add(m.path("text").asText()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable simulator answer: " + r.body(), e);
        }
    }

    private HttpResponse<String> call(String method, String path, Object body) {
        try {
            var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the simulator at " + base + " is not reachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
