package io.wagw.sim.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A local language model provider for tests: a real HTTP server speaking OpenAI's chat completions
 * ({@code POST /v1/chat/completions}), Anthropic's messages ({@code POST /v1/messages}) and Gemini's
 * generateContent ({@code POST /v1beta/models/{model}:generateContent}), with faults a test scripts per request:
 * 429 with {@code Retry-After}, 500, an answer slower than the client's timeout, malformed JSON, a body of
 * another schema. Every request is recorded. Token counts are the text's length / 4, rounded up.
 */
public final class FakeLlm implements AutoCloseable {
    /** What the next request gets. */
    public sealed interface Fault {
        record RateLimited(int retryAfterSeconds) implements Fault {}

        record ServerError(int status) implements Fault {}

        record Slow(Duration delay) implements Fault {}

        record Malformed() implements Fault {}

        record WrongSchema() implements Fault {}

        /** The normal answer. */
        record Ok() implements Fault {}
    }

    /** A request as received. */
    public record Request(String format, String path, String model, String system, String user, String apiKey) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Fault> script = new ArrayDeque<>();
    private volatile Fault always = new Fault.Ok();
    private volatile Function<Request, String> responder = FakeLlm::firstKnowledgeLine;

    private FakeLlm(HttpServer server) {
        this.server = server;
    }

    public static FakeLlm start() {
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            var fake = new FakeLlm(server);
            server.createContext("/", fake::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return fake;
        } catch (IOException e) {
            throw new IllegalStateException("the fake LLM did not start", e);
        }
    }

    /** The base URL for OpenAI-compatible clients ({@code …/v1}). */
    public String openAiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The base URL for Anthropic clients ({@code …/v1/}). */
    public String anthropicUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";
    }

    /** The base URL for Gemini clients ({@code …/v1beta}). */
    public String geminiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta";
    }

    /** The next requests get these faults, in order, then {@link #always}'s. */
    public synchronized FakeLlm then(Fault... faults) {
        script.addAll(List.of(faults));
        return this;
    }

    /** Every request not scripted by {@link #then} gets this. */
    public FakeLlm always(Fault fault) {
        this.always = fault;
        return this;
    }

    /** What a normal answer says; by default the first knowledge line of the system prompt. */
    public FakeLlm answering(Function<Request, String> responder) {
        this.responder = responder;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized void reset() {
        requests.clear();
        script.clear();
        always = new Fault.Ok();
        responder = FakeLlm::firstKnowledgeLine;
    }

    /** The first entry of a {@code KNOWLEDGE:} list in the system prompt, without its number. */
    public static String firstKnowledgeLine(Request r) {
        String s = r.system() == null ? "" : r.system();
        int at = s.indexOf("\n[1] ");
        if (at < 0) {
            return "I am a fake model.";
        }
        int end = s.indexOf('\n', at + 1);
        return s.substring(at + 5, end < 0 ? s.length() : end).strip();
    }

    private synchronized Fault next() {
        Fault f = script.poll();
        return f == null ? always : f;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            JsonNode body;
            try {
                body = JSON.readTree(ex.getRequestBody().readAllBytes());
            } catch (IOException e) {
                send(ex, 400, "{\"error\":{\"message\":\"body is not JSON\"}}");
                return;
            }
            Request r;
            if (path.endsWith("/chat/completions")) {
                r = openAi(path, body, ex);
            } else if (path.endsWith("/messages")) {
                r = anthropic(path, body, ex);
            } else if (path.contains(":generateContent")) {
                r = gemini(path, body, ex);
            } else {
                send(ex, 404, "{\"error\":{\"message\":\"unknown path " + path + "\"}}");
                return;
            }
            requests.add(r);
            Fault f = next();
            switch (f) {
                case Fault.RateLimited rl -> {
                    ex.getResponseHeaders().add("Retry-After", Integer.toString(rl.retryAfterSeconds()));
                    send(ex, 429, "{\"error\":{\"message\":\"rate limited\",\"type\":\"rate_limit_error\"}}");
                }
                case Fault.ServerError se ->
                    send(ex, se.status(), "{\"error\":{\"message\":\"internal error\",\"type\":\"server_error\"}}");
                case Fault.Malformed m -> send(ex, 200, "{\"id\": \"x\", \"choices\": [ {\"message\": ");
                case Fault.WrongSchema w -> send(ex, 200, "{\"result\":{\"status\":\"done\"},\"data\":[1,2,3]}");
                case Fault.Slow s -> {
                    try {
                        Thread.sleep(s.delay());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    answer(ex, r);
                }
                case Fault.Ok ok -> answer(ex, r);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away (a timeout on its side): nothing to answer
        }
    }

    private void answer(HttpExchange ex, Request r) throws IOException {
        String text = responder.apply(r);
        long in = tokens(r.system()) + tokens(r.user());
        long out = tokens(text);
        ObjectNode o = JSON.createObjectNode();
        switch (r.format()) {
            case "openai" -> {
                o.put("id", "chatcmpl-fake").put("object", "chat.completion").put("model", r.model());
                ArrayNode choices = o.putArray("choices");
                ObjectNode c = choices.addObject().put("index", 0).put("finish_reason", "stop");
                c.putObject("message").put("role", "assistant").put("content", text);
                o.putObject("usage")
                        .put("prompt_tokens", in)
                        .put("completion_tokens", out)
                        .put("total_tokens", in + out);
            }
            case "anthropic" -> {
                o.put("id", "msg_fake").put("type", "message").put("role", "assistant");
                o.put("model", r.model()).put("stop_reason", "end_turn");
                o.putArray("content").addObject().put("type", "text").put("text", text);
                o.putObject("usage").put("input_tokens", in).put("output_tokens", out);
            }
            default -> {
                ObjectNode c = o.putArray("candidates").addObject();
                c.putObject("content")
                        .put("role", "model")
                        .putArray("parts")
                        .addObject()
                        .put("text", text);
                c.put("finishReason", "STOP");
                o.putObject("usageMetadata")
                        .put("promptTokenCount", in)
                        .put("candidatesTokenCount", out)
                        .put("totalTokenCount", in + out);
            }
        }
        send(ex, 200, JSON.writeValueAsString(o));
    }

    private static Request openAi(String path, JsonNode body, HttpExchange ex) {
        String system = null;
        String user = null;
        for (JsonNode m : body.path("messages")) {
            String content = m.path("content").isTextual()
                    ? m.path("content").asText()
                    : m.path("content").path(0).path("text").asText();
            if ("system".equals(m.path("role").asText())) {
                system = content;
            } else if ("user".equals(m.path("role").asText())) {
                user = content;
            }
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        return new Request(
                "openai",
                path,
                body.path("model").asText(),
                system,
                user,
                auth == null ? null : auth.replaceFirst("^Bearer ", ""));
    }

    private static Request anthropic(String path, JsonNode body, HttpExchange ex) {
        JsonNode sys = body.path("system");
        String system =
                sys.isTextual() ? sys.asText() : sys.path(0).path("text").asText(null);
        String user = null;
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                JsonNode c = m.path("content");
                user = c.isTextual() ? c.asText() : c.path(0).path("text").asText();
            }
        }
        return new Request(
                "anthropic",
                path,
                body.path("model").asText(),
                system,
                user,
                ex.getRequestHeaders().getFirst("x-api-key"));
    }

    private static Request gemini(String path, JsonNode body, HttpExchange ex) {
        String model = path.substring(path.indexOf("/models/") + 8, path.indexOf(':'));
        String system = body.path("systemInstruction")
                .path("parts")
                .path(0)
                .path("text")
                .asText(null);
        String user = null;
        for (JsonNode c : body.path("contents")) {
            if ("user".equals(c.path("role").asText())) {
                user = c.path("parts").path(0).path("text").asText();
            }
        }
        return new Request(
                "gemini", path, model, system, user, ex.getRequestHeaders().getFirst("x-goog-api-key"));
    }

    private static long tokens(String s) {
        return s == null ? 0 : (s.length() + 3) / 4;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
