package io.wagw.assistant.knowledge;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding models run in process by LangChain4j's ONNX encoder: all-MiniLM-L6-v2 quantized (384 dimensions,
 * mostly English), which ships inside its Maven artifact, or any BERT-like ONNX model with its HuggingFace
 * tokenizer ({@code tokenizer.json}) given by path, with mean pooling (what sentence-transformers models such as
 * paraphrase-multilingual-MiniLM-L12-v2 use), as LangChain4j's {@code OnnxEmbeddingModel} does.
 *
 * <p>A model is loaded once per JVM, on its first use, and shared by every node of the JVM: loading takes a
 * fraction of a second to seconds and tens of megabytes, which a node that never embeds does not pay.
 */
public final class OnnxEmbedder implements Embedder {
    private static final Logger log = LoggerFactory.getLogger(OnnxEmbedder.class);

    /** The name of the bundled model's vectors. */
    public static final String BUNDLED = "all-minilm-l6-v2-q";

    static {
        // DJL (the tokenizer's library) otherwise calls home on start: cloud metadata, then its telemetry server
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /** Embeds the chunks of an upload in parallel; daemon threads that end when idle. */
    private static final ExecutorService POOL = pool();

    /** The bundled model's key in {@link #MODELS}. */
    private static final ModelFiles BUNDLED_FILES = new ModelFiles(null, null);

    private static final Map<ModelFiles, CompletableFuture<Loaded>> MODELS = new ConcurrentHashMap<>();
    private static final Map<ModelFiles, String> NAMES = new ConcurrentHashMap<>();

    private record ModelFiles(Path model, Path tokenizer) {}

    /** A model loaded, or why it could not be (not tried again: every use would pay for the failure). */
    private record Loaded(String name, EmbeddingModel model, Throwable failure) {
        Loaded usable() {
            if (failure != null) {
                throw new IllegalStateException("the embedding model " + name + " could not be loaded", failure);
            }
            return this;
        }
    }

    /** ONNX Runtime's native library, loaded with the first model (not when a node merely starts). */
    private static final class Onnx {
        static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();
    }

    /**
     * One thread per inference, which does not spin while waiting: a node shares its CPUs with Chromium and
     * PostgreSQL, and ONNX Runtime's default (a thread per core, spinning between runs) made a question's
     * embedding slower, not faster, on a busy 2-CPU machine. An upload's chunks are embedded in parallel by
     * {@link #POOL} instead.
     */
    private static OrtSession.SessionOptions options() throws OrtException {
        var options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    /** LangChain4j's in-process embedding model over a session made with {@link #options}. */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OrtSession session, InputStream tokenizer) {
            super(POOL);
            this.encoder = new OnnxBertBiEncoder(Onnx.ENVIRONMENT, session, tokenizer, PoolingMode.MEAN);
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }
    }

    private final ModelFiles files;

    private OnnxEmbedder(ModelFiles files) {
        this.files = files;
    }

    /** all-MiniLM-L6-v2 quantized, from inside its artifact. */
    public static OnnxEmbedder bundled() {
        return new OnnxEmbedder(null);
    }

    /** An ONNX model and its tokenizer ({@code tokenizer.json}) from files, with mean pooling. */
    public static OnnxEmbedder files(Path model, Path tokenizer) {
        return new OnnxEmbedder(new ModelFiles(
                model.toAbsolutePath().normalize(), tokenizer.toAbsolutePath().normalize()));
    }

    /**
     * The model, loaded once per JVM by the first caller's request. The loading runs on a platform thread of
     * {@link #POOL}: callers are virtual threads, which native code would pin to their carrier for the seconds
     * it takes; they wait unpinned.
     */
    private Loaded loaded() {
        return MODELS.computeIfAbsent(
                        files == null ? BUNDLED_FILES : files,
                        f -> CompletableFuture.supplyAsync(
                                () -> load(model(), () -> f == BUNDLED_FILES ? bundledModel() : modelFromFiles(f)),
                                POOL))
                .join()
                .usable();
    }

    private static EmbeddingModel bundledModel() {
        ClassLoader jar = AllMiniLmL6V2QuantizedEmbeddingModel.class.getClassLoader();
        try (InputStream model = jar.getResourceAsStream(BUNDLED + ".onnx");
                InputStream tokenizer = jar.getResourceAsStream(BUNDLED + "-tokenizer.json")) {
            return new Model(Onnx.ENVIRONMENT.createSession(model.readAllBytes(), options()), tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EmbeddingModel modelFromFiles(ModelFiles f) {
        try (InputStream tokenizer = Files.newInputStream(f.tokenizer())) {
            return new Model(Onnx.ENVIRONMENT.createSession(f.model().toString(), options()), tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Loaded load(String name, Supplier<EmbeddingModel> loader) {
        long start = System.nanoTime();
        try {
            EmbeddingModel model = loader.get();
            log.info("embedding model {} loaded in {} ms", name, (System.nanoTime() - start) / 1_000_000);
            return new Loaded(name, model, null);
        } catch (RuntimeException | ExceptionInInitializerError e) {
            log.error("the embedding model {} could not be loaded: the dense retrieval is off", name, e);
            return new Loaded(name, null, e);
        }
    }

    /** The bundled model's name, or a model file's with a digest of both files: known without loading. */
    @Override
    public String model() {
        return files == null
                ? BUNDLED
                : NAMES.computeIfAbsent(
                        files, f -> "onnx:" + f.model().getFileName() + ":" + digest(f.model(), f.tokenizer()));
    }

    @Override
    public float[] embed(String text) {
        return loaded().model().embed(text).content().vector();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Embedding> out = loaded().model()
                .embedAll(texts.stream().map(TextSegment::from).toList())
                .content();
        return out.stream().map(Embedding::vector).toList();
    }

    /** The first 16 hex digits of the SHA-256 of the model's and the tokenizer's bytes. */
    private static String digest(Path model, Path tokenizer) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (Path p : List.of(model, tokenizer)) {
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExecutorService pool() {
        int threads = Runtime.getRuntime().availableProcessors();
        var pool = new ThreadPoolExecutor(
                threads,
                threads,
                5,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("embedding-", 0).factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
