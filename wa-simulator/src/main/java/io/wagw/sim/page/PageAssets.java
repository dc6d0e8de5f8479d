package io.wagw.sim.page;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.wagw.sim.SimulatorOptions;
import io.wagw.sim.api.Faults;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Serves the page: the app for supported browsers at {@code /} and {@code /send}, else the unsupported-browser page. */
public final class PageAssets {
    private static final String BASE = "io/wagw/sim/web/";
    private final String app;
    private final SimulatorOptions options;
    private final Supplier<Faults> faults;
    private final String unsupported;
    private final String script;
    private final String style;

    public PageAssets(SimulatorOptions options, Supplier<Faults> faults) {
        this.options = options;
        this.faults = faults;
        this.app = read("index.html");
        this.unsupported = read("unsupported.html");
        this.script = read("app.js");
        this.style = read("app.css");
    }

    public void page(RoutingContext ctx) {
        boolean ok = BrowserSupport.isSupported(ctx.request().getHeader("User-Agent"));
        // the page learns its settings when it loads; modulesAfterSync: see Faults.queuedAsHistory
        JsonObject config = new JsonObject()
                .put("pageWeightMb", options.pageWeightMb())
                .put("maxTextChars", options.maxTextChars())
                .put("modulesAfterSync", faults.get().queuedAsHistory());
        ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(ok ? app.replace("/*SIM_CONFIG*/{}", config.encode()) : unsupported);
    }

    public void script(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/javascript; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(script);
    }

    public void style(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "text/css; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(style);
    }

    private static String read(String name) {
        try (InputStream in = PageAssets.class.getClassLoader().getResourceAsStream(BASE + name)) {
            if (in == null) throw new IllegalStateException("missing resource " + BASE + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
