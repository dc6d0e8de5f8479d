package io.wagw.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wagw.node.webhook.AddressClass;
import io.wagw.node.webhook.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    private static final String EXPECTED_NETWORKS =
            "; expected comma-separated networks such as 10.20.0.0/16, fd12::/16, 192.168.5.7";

    @Test
    void defaultsGiveAWorkingSingleNodeWithTheEmbeddedDatabase() {
        var c = NodeConfig.fromEnv(Map.of("GW_NODE_ID", "node-1"));
        assertThat(c.nodeId()).isEqualTo("node-1");
        assertThat(c.httpPort()).isEqualTo(3000);
        assertThat(c.dbUrl()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(c.waUrl().toString()).isEqualTo("https://web.whatsapp.com");
        assertThat(c.realWhatsApp()).isTrue();
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.clusterMembers()).isEmpty();
        assertThat(c.advertisedUrl()).isEqualTo("http://127.0.0.1:3000");
        assertThat(c.storeConfig().dbUrl()).isEmpty();
        assertThat(c.webhookAllowNetworks()).isEmpty();
        assertThat(c.webhookDestinations().refusal(ip("127.0.0.1"))).contains(AddressClass.LOOPBACK);
    }

    @Test
    void webhookReceiversOnAllowedNetworksAreReachable() {
        var c = NodeConfig.fromEnv(Map.of("GW_WEBHOOK_ALLOW_NETWORKS", " 10.20.0.0/16, fd12::/16,,192.168.5.7 "));
        assertThat(c.webhookAllowNetworks())
                .extracting(Cidr::toString)
                .containsExactly("10.20.0.0/16", "fd12:0:0:0:0:0:0:0/16", "192.168.5.7/32");
        assertThat(c.webhookDestinations().refusal(ip("10.20.9.9"))).isEmpty();
        assertThat(c.webhookDestinations().refusal(ip("192.168.5.8"))).contains(AddressClass.PRIVATE);
    }

    @Test
    void aNetworkThatIsNotOneIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> NodeConfig.fromEnv(
                        Map.of("GW_WEBHOOK_ALLOW_NETWORKS", "10.0.0.1/8,intranet.example,10.0.0.0/40")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_WEBHOOK_ALLOW_NETWORKS contains '10.0.0.1/8': 10.0.0.1/8 has bits set past the prefix; the network is "
                                                + "10.0.0.0/8" + EXPECTED_NETWORKS,
                                        "GW_WEBHOOK_ALLOW_NETWORKS contains 'intranet.example': 'intranet.example' is not an IP address"
                                                + EXPECTED_NETWORKS,
                                        "GW_WEBHOOK_ALLOW_NETWORKS contains '10.0.0.0/40': '40' is not a prefix length from 0 to 32"
                                                + EXPECTED_NETWORKS));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everySettingIsRead() {
        var c = NodeConfig.fromEnv(Map.ofEntries(
                Map.entry("GW_NODE_ID", "vps-2"),
                Map.entry("GW_HTTP_HOST", "127.0.0.2"),
                Map.entry("GW_HTTP_PORT", "8080"),
                Map.entry("GW_DATA_DIR", "/tmp/gw-data"),
                Map.entry("GW_DB_URL", "postgres://gw:s%40cret@db.internal:5433/gateway?sslmode=require"),
                Map.entry("GW_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2"),
                Map.entry("GW_WA_URL", "http://127.0.0.1:7070"),
                Map.entry("GW_MAX_SESSIONS", "40"),
                Map.entry("GW_SESSIONS_PER_BROWSER", "10"),
                Map.entry("GW_ADMIN_API_KEY", "an-admin-key-of-enough-length"),
                Map.entry("GW_LEASE_TTL_SECONDS", "12"),
                Map.entry("GW_LOG_LEVEL", "debug")));
        assertThat(c.advertisedUrl()).isEqualTo("http://127.0.0.2:8080");
        assertThat(c.dbUrl()).contains("jdbc:postgresql://db.internal:5433/gateway?sslmode=require");
        assertThat(c.dbUser()).contains("gw");
        assertThat(c.dbPassword()).contains("s@cret");
        assertThat(c.clusterMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2");
        assertThat(c.realWhatsApp()).isFalse();
        assertThat(c.maxSessions()).isEqualTo(40);
        assertThat(c.sessionsPerBrowser()).isEqualTo(10);
        assertThat(c.adminApiKey()).contains("an-admin-key-of-enough-length");
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(12));
        assertThat(c.logLevel()).isEqualTo("DEBUG");
        assertThat(c.storeConfig().dbUser()).isEqualTo(Optional.of("gw"));
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheVariableAndTheAcceptedValues() {
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of(
                        "GW_HTTP_PORT", "70000",
                        "GW_MAX_SESSIONS", "many",
                        "GW_DB_URL", "mysql://x/y",
                        "GW_WA_URL", "ftp://example.com",
                        "GW_LEASE_TTL_SECONDS", "60",
                        "GW_DB_POOL_SIZE", "1",
                        "GW_LOG_LEVEL", "LOUD",
                        "GW_ADMIN_API_KEY", "short",
                        "GW_MASTER_KEY_FILE", "/nonexistent/master.key",
                        "GW_MAX_SESION", "3")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(10);
                    assertThat(e.getMessage())
                            .contains("GW_HTTP_PORT=70000 is out of range: expected an integer from 1 to 65535")
                            .contains("GW_MAX_SESSIONS=many is not an integer")
                            .contains("GW_DB_URL is invalid: expected jdbc:postgresql://")
                            .contains("GW_WA_URL=ftp://example.com is invalid")
                            .contains("GW_LEASE_TTL_SECONDS=60 is out of range: expected an integer from 2 to 15")
                            .contains("GW_DB_POOL_SIZE=1 is out of range: expected an integer from 2 to 200")
                            .contains("GW_LOG_LEVEL=LOUD is invalid: expected one of [DEBUG, ERROR, INFO, TRACE, WARN]")
                            .contains("GW_ADMIN_API_KEY must be 24-200")
                            .contains("GW_MASTER_KEY_FILE=/nonexistent/master.key is not a readable file")
                            .contains("GW_MAX_SESION is not a known setting");
                });
    }

    @Test
    void aCustomEmbeddingModelNeedsBothReadableFiles(@TempDir Path dir) throws Exception {
        Path model = Files.write(dir.resolve("model.onnx"), new byte[] {8, 7});
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), " {\"version\": \"1.0\"}");
        assertThat(NodeConfig.fromEnv(Map.of()).embeddingModel())
                .as("the bundled model")
                .isEmpty();
        assertThat(NodeConfig.fromEnv(Map.of(
                                "GW_EMBEDDING_MODEL_PATH", model.toString(),
                                "GW_EMBEDDING_TOKENIZER_PATH", tokenizer.toString()))
                        .embeddingModel())
                .contains(new NodeConfig.EmbeddingModelFiles(model, tokenizer));

        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of("GW_EMBEDDING_MODEL_PATH", model.toString())))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_EMBEDDING_MODEL_PATH is set without GW_EMBEDDING_TOKENIZER_PATH: set both"
                                                + " (an ONNX embedding model and its tokenizer.json) or neither (the bundled"
                                                + " all-MiniLM-L6-v2)"));
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of("GW_EMBEDDING_TOKENIZER_PATH", tokenizer.toString())))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .startsWith("GW_EMBEDDING_TOKENIZER_PATH is set without GW_EMBEDDING_MODEL_PATH"));
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of(
                        "GW_EMBEDDING_MODEL_PATH", dir.resolve("missing.onnx").toString(),
                        "GW_EMBEDDING_TOKENIZER_PATH", model.toString())))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_EMBEDDING_MODEL_PATH=%s is not a readable file (expected an ONNX embedding model, e.g. model.onnx)"
                                                .formatted(dir.resolve("missing.onnx")),
                                        "GW_EMBEDDING_TOKENIZER_PATH=%s is not a readable JSON file (expected the model's HuggingFace tokenizer.json)"
                                                .formatted(model)));
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of(
                        "GW_EMBEDDING_MODEL_PATH", dir.toString(),
                        "GW_EMBEDDING_TOKENIZER_PATH", tokenizer.toString())))
                .as("a directory is no model file")
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .startsWith("GW_EMBEDDING_MODEL_PATH=" + dir + " is not a readable file"));
    }

    @Test
    void badIdentifiersAndListsAreRefused() {
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of("GW_NODE_ID", "node 1", "GW_CLUSTER_MEMBERS", "a:1,b c")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(p -> assertThat(p).startsWith("GW_NODE_ID=node 1 is invalid"))
                                .anySatisfy(p -> assertThat(p).startsWith("GW_CLUSTER_MEMBERS contains 'b c'")));
    }

    @Test
    void variablesWithoutThePrefixAreIgnored() {
        var c = NodeConfig.fromEnv(Map.of("PATH", "/usr/bin", "HOME", "/root", "GW_NODE_ID", "n"));
        assertThat(c.nodeId()).isEqualTo("n");
    }

    @Test
    void withoutLlmVariablesNoModelIsConfigured() {
        var llm = NodeConfig.fromEnv(Map.of()).llm();
        assertThat(llm.configured()).isFalse();
        assertThat(llm.primary()).isEmpty();
        assertThat(llm.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(llm.retries()).isEqualTo(2);
    }

    @Test
    void llmProvidersAreReadWithTheirKeysModelsLimitsAndPrices() throws Exception {
        Path keyFile = java.nio.file.Files.createTempFile("llm", ".key");
        java.nio.file.Files.writeString(keyFile, "sk-ant-from-file\n");
        var llm = NodeConfig.fromEnv(Map.ofEntries(
                        Map.entry("GW_LLM_PROVIDER", "openai"),
                        Map.entry("GW_LLM_BASE_URL", "http://127.0.0.1:11434/v1"),
                        Map.entry("GW_LLM_MODEL", "llama3.1:8b"),
                        Map.entry("GW_LLM_CHEAP_MODEL", "llama3.2:1b"),
                        Map.entry("GW_LLM_SECONDARY_PROVIDER", "anthropic"),
                        Map.entry("GW_LLM_SECONDARY_API_KEY_FILE", keyFile.toString()),
                        Map.entry("GW_LLM_SECONDARY_MODEL", "claude-3-5-haiku-latest"),
                        Map.entry("GW_LLM_TIMEOUT_MS", "8000"),
                        Map.entry("GW_LLM_RETRIES", "1"),
                        Map.entry("GW_LLM_CONCURRENCY", "4"),
                        Map.entry("GW_LLM_BREAKER_OPEN_SECONDS", "10"),
                        Map.entry("GW_LLM_PRICES", "claude-3-5-haiku-latest=0.8/4")))
                .llm();
        var primary = llm.primary().orElseThrow();
        assertThat(primary.name()).isEqualTo("primary");
        assertThat(primary.effectiveBaseUrl()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(primary.apiKey()).isNull(); // a local OpenAI-compatible server needs none
        assertThat(primary.mainModel()).isEqualTo("llama3.1:8b");
        assertThat(primary.effectiveCheapModel()).isEqualTo("llama3.2:1b");
        assertThat(primary.timeout()).isEqualTo(Duration.ofMillis(8000));
        assertThat(primary.retries()).isEqualTo(1);
        var secondary = llm.secondary().orElseThrow();
        assertThat(secondary.apiKey()).isEqualTo("sk-ant-from-file");
        assertThat(secondary.effectiveBaseUrl()).isEqualTo("https://api.anthropic.com/v1/");
        assertThat(llm.prices().cost("claude-3-5-haiku-latest", 1_000_000, 0)).isEqualTo(0.8);
        assertThat(llm.concurrency()).isEqualTo(4);
        assertThat(llm.breakerOpen()).isEqualTo(Duration.ofSeconds(10));
        assertThat(primary.toString()).doesNotContain("sk-");
        assertThat(secondary.toString()).doesNotContain("sk-ant-from-file");
    }

    @Test
    void badLlmVariablesAreAllReportedNamingTheVariable() {
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of(
                        "GW_LLM_PROVIDER", "bard",
                        "GW_LLM_SECONDARY_PROVIDER", "anthropic",
                        "GW_LLM_SECONDARY_API_KEY", "a",
                        "GW_LLM_SECONDARY_API_KEY_FILE", "/nonexistent",
                        "GW_LLM_TIMEOUT_MS", "5",
                        "GW_LLM_PRICES", "gpt=free")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "GW_LLM_TIMEOUT_MS=5 is out of range: expected an integer from 100 to 300000",
                                        "GW_LLM_PRICES: 'gpt=free' is not model=in/out (US dollars per million tokens, e.g. gpt-4o-mini=0.15/0.60)",
                                        "GW_LLM_PROVIDER=bard is invalid: expected one of openai, anthropic, gemini",
                                        "GW_LLM_SECONDARY_API_KEY and GW_LLM_SECONDARY_API_KEY_FILE are both set: set one",
                                        "GW_LLM_SECONDARY_PROVIDER is set but GW_LLM_SECONDARY_MODEL is not: name the main model (e.g. gpt-4o-mini)"));
        assertThatThrownBy(() -> NodeConfig.fromEnv(
                        Map.of("GW_LLM_SECONDARY_PROVIDER", "openai", "GW_LLM_SECONDARY_MODEL", "gpt-4o-mini")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_LLM_SECONDARY_PROVIDER is set without GW_LLM_PROVIDER: set the primary first"));
        assertThatThrownBy(() -> NodeConfig.fromEnv(Map.of("GW_LLM_MODEL", "gpt-4o-mini")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_LLM_MODEL is set without GW_LLM_PROVIDER (one of openai, anthropic, gemini)"));
        assertThatThrownBy(() -> NodeConfig.fromEnv(
                        Map.of("GW_LLM_PROVIDER", "anthropic", "GW_LLM_MODEL", "claude-3-5-haiku-latest")))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "GW_LLM_PROVIDER=anthropic needs GW_LLM_API_KEY or GW_LLM_API_KEY_FILE"));
    }
}
