package io.wagw.node.demo;

import io.wagw.node.Node;
import io.wagw.node.message.AutoReplyHandler;
import io.wagw.node.session.SessionView;
import io.wagw.store.StoreException;
import io.wagw.store.session.SessionStatus;
import io.wagw.store.tenant.TenantStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The demo on a running node against the simulator: a demo tenant and session with an auto-reply,
 * the pairing page's link and the command that scans with a simulated phone; once linked, a
 * simulated customer writes and the auto-reply comes back.
 */
public final class Demo {
    static final String TENANT = "demo-salon";
    static final String SESSION = "demo";
    static final String PHONE = "77010000001";
    static final String CUSTOMER = "77019999999";
    static final String REPLY =
            "Hello! This is the Demo Beauty Salon assistant. We are open 9:00-20:00. How can I help?";

    private Demo() {}

    /**
     * @param autoScan scan the QR with the simulated phone right away (for unattended runs)
     */
    public static void run(Node node, boolean autoScan, PrintStream out) throws Exception {
        var store = node.store();
        var config = node.services().config();
        var phone = new SimulatedPhone(config.waUrl());
        phone.ensureAccount(PHONE, "Demo Beauty Salon");
        try {
            store.tenants().create(TENANT, "Demo Beauty Salon", "business");
            store.tenants().setStatus(TENANT, TenantStatus.ACTIVE);
        } catch (StoreException.Duplicate exists) {
            // kept from an earlier run
        }
        try {
            store.sessions().create(TENANT, SESSION, Map.of(AutoReplyHandler.CONFIG_KEY, REPLY));
        } catch (StoreException.Duplicate exists) {
            store.sessions().updateConfig(SESSION, Map.of(AutoReplyHandler.CONFIG_KEY, REPLY));
        }
        if (!node.runtime().runs(SESSION)) {
            node.runtime().start(SESSION);
        }
        SessionStatus first =
                await(node, Duration.ofSeconds(90), s -> s == SessionStatus.SCAN_QR_CODE || s == SessionStatus.WORKING);
        String pairUrl = node.baseUrl() + "/pair/" + SESSION + "?t="
                + node.services()
                        .pairTokens()
                        .issue(
                                SESSION,
                                node.store().sessions().pairIncarnation(SESSION),
                                Instant.now().plus(Duration.ofHours(24)));
        Path env = config.dataDir().resolve("demo.env");
        Files.createDirectories(config.dataDir());
        Files.writeString(
                env,
                "NODE_URL=%s%nADMIN_KEY=%s%nSIM_URL=%s%nSESSION=%s%nPHONE=%s%n"
                        .formatted(
                                node.baseUrl(),
                                node.adminKey(),
                                config.waUrl().toString().replaceAll("/$", ""),
                                SESSION,
                                PHONE));

        out.println();
        out.println("=== WhatsApp gateway demo ===");
        out.println("node API       : " + node.baseUrl() + "   (X-Api-Key: " + node.adminKey() + ")");
        out.println("health         : " + node.baseUrl() + "/health");
        out.println("pairing page   : " + pairUrl);
        if (first == SessionStatus.WORKING) {
            out.println("session 'demo' : already linked (restored from its encrypted snapshot, no QR needed)");
        } else {
            out.println("scan the QR    : scripts/phone scan      (a simulated phone scans the current QR)");
            if (autoScan) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (node.runtime().view(SESSION).map(SessionView::qr).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                String qr = node.runtime().qr(SESSION);
                phone.scan(PHONE, qr);
                out.println("                 (--auto: scanned it already)");
            }
        }
        out.println();
        out.println("waiting for the session to be linked...");
        await(node, Duration.ofMinutes(30), s -> s == SessionStatus.WORKING);
        out.println("session 'demo' is WORKING as +" + PHONE);

        int before = phone.sentTo(PHONE, CUSTOMER).size();
        String question = "Hi! Are you open on Sunday?";
        phone.customerSays(CUSTOMER, PHONE, question);
        out.println("customer  -> salon: " + question);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (phone.sentTo(PHONE, CUSTOMER).size() <= before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no auto-reply within 60 s");
            }
            Thread.sleep(200);
        }
        var sent = phone.sentTo(PHONE, CUSTOMER);
        out.println("salon -> customer : " + sent.getLast());
        out.println();
    }

    private static SessionStatus await(Node node, Duration timeout, Predicate<SessionStatus> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var status = node.runtime().view(SESSION).map(SessionView::status).orElse(null);
            if (status == null) {
                throw new IllegalStateException("session 'demo' stopped: "
                        + node.store().sessions().get(SESSION).statusReason());
            }
            if (done.test(status)) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("session 'demo' did not get there within " + timeout.toSeconds() + " s");
    }
}
