package io.wagw.sim.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A page without a browser: speaks the page protocol over a JDK WebSocket. Used by control-API tests
 * and by the benchmark, where hundreds of real Chromium pages would measure Chromium, not the simulator.
 */
public final class ProtocolPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public String noisePub = random32();
    public String identityPub = random32();
    public String advSecret = random32();
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final boolean autoAck;
    private final boolean keepFrames;
    /** Inbound messages received ({@code msg} frames), counted even when frames are not kept. */
    public final AtomicLong received = new AtomicLong();

    public final List<String> receivedIds = java.util.Collections.synchronizedList(new ArrayList<>());
    private WebSocket ws;
    public volatile String device;
    public volatile String secret;

    private ProtocolPage(boolean autoAck, boolean keepFrames) {
        this.autoAck = autoAck;
        this.keepFrames = keepFrames;
    }

    /** Opens a page connection to {@code baseUrl}; {@code autoAck} confirms every message received. */
    public static ProtocolPage open(String baseUrl, boolean autoAck) {
        return open(baseUrl, autoAck, true);
    }

    public static ProtocolPage open(String baseUrl, boolean autoAck, boolean keepFrames) {
        ProtocolPage p = new ProtocolPage(autoAck, keepFrames);
        p.connect(baseUrl);
        return p;
    }

    /** A second browser restored from {@code original}'s storage: same keys, same device credentials. */
    public static ProtocolPage openAs(String baseUrl, boolean autoAck, ProtocolPage original) {
        ProtocolPage p = new ProtocolPage(autoAck, true);
        p.noisePub = original.noisePub;
        p.identityPub = original.identityPub;
        p.advSecret = original.advSecret;
        p.device = original.device;
        p.secret = original.secret;
        p.connect(baseUrl);
        return p;
    }

    public void connect(String baseUrl) {
        URI uri = URI.create(baseUrl.replace("http://", "ws://") + "/ws/chat");
        ws = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .header("User-Agent", Browsers.DESKTOP_CHROME_UA)
                .buildAsync(uri, new Listener())
                .join();
    }

    /** Sends {@code hello} with this page's keys and waits for the first QR; returns its payload. */
    public String hello() {
        send(obj("hello")
                .set(
                        "keys",
                        JSON.createObjectNode()
                                .put("noisePub", noisePub)
                                .put("identityPub", identityPub)
                                .put("advSecret", advSecret)));
        return await("qr").get("payload").asText();
    }

    /** After the phone linked this page: stores the credentials, logs in and waits for the chats. */
    public JsonNode completeLogin() {
        JsonNode paired = await("paired");
        device = paired.get("device").asText();
        secret = paired.get("secret").asText();
        login(false);
        await("welcome");
        return await("sync");
    }

    public void login(boolean synced) {
        send(obj("login")
                .put("device", device)
                .put("secret", secret)
                .put("noisePub", noisePub)
                .put("identityPub", identityPub)
                .put("synced", synced));
    }

    public ObjectNode obj(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    public void send(JsonNode frame) {
        synchronized (this) {
            ws.sendText(frame.toString(), true).join();
        }
    }

    /** Waits for the next frame of {@code type}, skipping others. */
    public JsonNode await(String type) {
        return await(f -> type.equals(f.path("type").asText()), Duration.ofSeconds(10), type);
    }

    public JsonNode await(Predicate<JsonNode> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
                if (f == null) throw new AssertionError("no frame " + what + " within " + timeout);
                if (match.test(f)) return f;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The frames that arrived and were not consumed yet, without waiting. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    public void closeAbruptly() {
        ws.abort();
    }

    @Override
    public void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            ws.abort();
        }
    }

    public boolean isClosed() {
        return ws.isInputClosed();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode f = JSON.readTree(text);
                    if ("msg".equals(f.path("type").asText())) {
                        received.incrementAndGet();
                        receivedIds.add(f.path("id").path("_serialized").asText());
                        if (autoAck)
                            send(obj("recv-ack").put("seq", f.get("seq").asLong()));
                    }
                    if (keepFrames || !"msg".equals(f.path("type").asText())) frames.add(f);
                } catch (Exception e) {
                    frames.add(
                            JSON.createObjectNode().put("type", "unparseable").put("text", text));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            frames.add(JSON.createObjectNode().put("type", "closed").put("code", statusCode));
            return CompletableFuture.completedFuture(null);
        }
    }

    private static String random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
