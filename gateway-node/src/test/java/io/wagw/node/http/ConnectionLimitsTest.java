package io.wagw.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.wagw.node.Node;
import io.wagw.node.config.NodeConfig;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.testing.Http;
import io.wagw.node.testing.TestEnv;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connections cannot be held open for ever: half-sent and silent ones are closed, pairing streams are capped. */
class ConnectionLimitsTest {
    private static Node node;
    private static Http admin;

    @BeforeAll
    static void startNode() {
        var env = new HashMap<>(TestEnv.nodeEnv("limits-node"));
        env.put("GW_HTTP_IDLE_SECONDS", "5");
        node = Node.start(NodeConfig.fromEnv(env), new AutoReplyHandler());
        admin = new Http(node.baseUrl(), node.adminKey());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static Socket connect() throws Exception {
        URI base = URI.create(node.baseUrl());
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(15_000);
        return s;
    }

    @Test
    void halfSentRequestsAndSilentConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connect();
                if (i % 2 == 0) {
                    OutputStream out = s.getOutputStream();
                    out.write("GET /health HTTP/1.1\r\nHost: node\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                held.add(s);
            }
            long t0 = System.nanoTime();
            for (Socket s : held) {
                // the server closes it: end of stream (a half-sent request may get a 408 first)
                var in = s.getInputStream();
                int b;
                do {
                    b = in.read();
                } while (b != -1);
            }
            long closedAfterMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(closedAfterMs)
                    .as("closed by the server, not by our read timeout")
                    .isLessThan(14_000);
            assertThat(admin.get("/health").status()).as("the node serves on").isIn(200, 503);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aPairingStreamStaysOpenPastTheIdleTimeoutAndAtMostFiveOpenPerSession() throws Exception {
        String name = TestEnv.unique("streams");
        assertThat(admin.post("/api/sessions", "{\"name\":\"%s\"}".formatted(name))
                        .status())
                .isEqualTo(201);
        String url =
                admin.get("/api/" + name + "/auth/pair-link").json().path("url").asText();
        URI link = URI.create(url);
        String path = link.getRawPath() + "/events?" + link.getRawQuery();
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket s = connect();
                s.getOutputStream()
                        .write(("GET " + path + " HTTP/1.1\r\nHost: node\r\nAccept: text/event-stream\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                streams.add(s);
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).as("stream " + i).startsWith("HTTP/1.1 200");
            }
            var sixth = new Http(node.baseUrl(), null).get(path);
            assertThat(sixth.status()).as("a sixth stream of one session").isEqualTo(429);

            var in = new BufferedReader(
                    new InputStreamReader(streams.getFirst().getInputStream(), StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            boolean keptAlive = false;
            try {
                String line;
                while ((System.nanoTime() - t0) < 9_000_000_000L && (line = in.readLine()) != null) {
                    keptAlive |= line.startsWith(": keep-alive");
                }
            } catch (SocketTimeoutException e) {
                // read timeout: the stream was still open
            }
            assertThat((System.nanoTime() - t0) / 1_000_000)
                    .as("open past the 5 s idle timeout")
                    .isGreaterThanOrEqualTo(9_000);
            assertThat(keptAlive).isTrue();
        } finally {
            for (Socket s : streams) {
                s.close();
            }
        }
    }
}
