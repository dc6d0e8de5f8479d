package io.wagw.node.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.wagw.node.testing.TestEnv;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContextPagesTest {
    @Test
    void aPageAskedForWithoutWaitingIsReportedByItsContext() throws Exception {
        try (var watchdog = BrowserWatchdog.start("cpt");
                var host = BrowserHost.start("cpt", BrowserSettings.headless(TestEnv.chromium()), h -> {}, watchdog)) {
            var reported = new CompletableFuture<Page>();
            BrowserContext context = host.call(
                    browser -> {
                        var created = host.contextPages().newContext(browser::newContext);
                        created.context().onPage(reported::complete);
                        host.contextPages().openPage(created);
                        return created.context();
                    },
                    Duration.ofSeconds(30));
            Page page = reported.get(10, TimeUnit.SECONDS);
            boolean inContext =
                    host.call(b -> page.context() == context && context.pages().contains(page), Duration.ofSeconds(10));
            assertThat(inContext).isTrue();
        }
    }
}
