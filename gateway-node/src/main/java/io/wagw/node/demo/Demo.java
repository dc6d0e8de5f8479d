package io.wagw.node.demo;

import io.wagw.node.Node;
import io.wagw.node.session.SessionView;
import io.wagw.store.StoreException;
import io.wagw.store.session.SessionStatus;
import io.wagw.store.tenant.TenantStatus;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The demo on a running node against the simulator: a salon onboarded with its assistant settings and
 * knowledge, its session, the pairing page's link and the command that scans with a simulated phone; once linked,
 * simulated customers ask for a price (answered), ask for a person (the manager's phone is told) and write
 * while the salon is closed (the quiet-hours template).
 */
public final class Demo {
    static final String TENANT = "demo-salon";
    static final String SESSION = "demo";
    static final String PHONE = "77010000001";
    static final String CUSTOMER = "77019999999";
    static final String MANAGER = "77019990000";
    /** What the salon's assistant knows, as its owner would write it. */
    static final String KNOWLEDGE = """
            # Demo Beauty Salon

            ## Prices
            - Manicure with gel polish: 12 000 ₸
            - Classic manicure: 8 000 ₸
            - Pedicure: 15 000 ₸
            - Brow shaping: 6 000 ₸

            ## Цены
            - Маникюр с гель-лаком: 12 000 ₸
            - Педикюр: 15 000 ₸

            ## Opening hours
            - Monday to Saturday 9:00-20:00
            - Sunday: closed

            ## Address
            - Abai avenue 10, Almaty, 2nd floor
            """;

    private Demo() {}

    /** The salon's assistant settings; {@code quietFrom}/{@code quietTo} as HH:mm in UTC. */
    private static Map<String, Object> settings(String quietFrom, String quietTo, boolean quiet) {
        return Map.of(
                "businessName", "Demo Beauty Salon",
                "timezone", "UTC",
                "languages", List.of("en", "ru", "kk"),
                "quietHours", Map.of("enabled", quiet, "from", quietFrom, "to", quietTo, "behaviour", "template"),
                "escalation",
                        Map.of(
                                "contacts",
                                List.of(Map.of("name", "Aida (manager)", "phone", MANAGER)),
                                "cooldownMinutes",
                                0),
                "rateLimit", Map.of("messages", 30, "windowSeconds", 60));
    }

    /**
     * @param autoScan scan the QR with the simulated phone right away (for unattended runs)
     */
    public static void run(Node node, boolean autoScan, PrintStream out) throws Exception {
        var store = node.store();
        var config = node.services().config();
        var phone = new SimulatedPhone(config.waUrl());
        phone.ensureAccount(PHONE, "Demo Beauty Salon");
        phone.ensureCustomer(CUSTOMER, "Dana");
        // a new customer each run: the quiet-hours template goes to a chat once per night
        String nightCustomer = "7702%07d".formatted(ThreadLocalRandom.current().nextInt(10_000_000));
        phone.ensureCustomer(nightCustomer, "Marat");
        phone.ensureCustomer(MANAGER, "Aida (manager)");
        var assistant = node.services().assistant();
        try {
            store.tenants().create(TENANT, "Demo Beauty Salon", "business");
            store.tenants().setStatus(TENANT, TenantStatus.ACTIVE);
        } catch (StoreException.Duplicate exists) {
            // kept from an earlier run
        }
        assistant.saveSettings(TENANT, settings("21:00", "09:00", false));
        assistant.uploadKnowledge(TENANT, "markdown", KNOWLEDGE);
        try {
            store.sessions().create(TENANT, SESSION, Map.of());
        } catch (StoreException.Duplicate exists) {
            store.sessions().updateConfig(SESSION, Map.of()); // an earlier demo's fixed auto-reply goes
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
        out.println("=== WhatsApp gateway demo: the AI receptionist of a salon ===");
        out.println("node API       : " + node.baseUrl() + "   (X-Api-Key: " + node.adminKey() + ")");
        out.println("health         : " + node.baseUrl() + "/health");
        out.println("settings       : " + node.baseUrl() + "/api/tenants/" + TENANT + "/settings");
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
        out.println();

        out.println("1. price questions, answered from the salon's knowledge");
        converse(phone, out, CUSTOMER, "Hi! How much is a manicure with gel?");
        converse(phone, out, CUSTOMER, "Сколько стоит педикюр?");

        out.println("2. a customer asks for a person");
        int toManager = phone.sentTo(PHONE, MANAGER).size();
        converse(phone, out, CUSTOMER, "Can I talk to a manager, please?");
        String note = awaitNew(phone, MANAGER, toManager, "the manager's notice");
        out.println("   salon -> manager : " + note.replace("\n", "\n                      "));
        out.println();

        out.println("3. a message while the salon is closed");
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        var hhmm = DateTimeFormatter.ofPattern("HH:mm");
        String from = now.minusHours(1).format(hhmm);
        String to = now.plusHours(1).format(hhmm);
        out.println("   (the demo sets the salon's quiet hours to " + from + "-" + to + " UTC, i.e. now)");
        assistant.saveSettings(TENANT, settings(from, to, true));
        converse(phone, out, nightCustomer, "Are you open now? I need a pedicure");
        assistant.saveSettings(TENANT, settings("21:00", "09:00", false));
        out.println("escalations    : " + node.baseUrl() + "/api/tenants/" + TENANT + "/escalations?status=open");
        out.println();
    }

    private static void converse(SimulatedPhone phone, PrintStream out, String customer, String text)
            throws InterruptedException {
        int before = phone.sentTo(PHONE, customer).size();
        phone.customerSays(customer, PHONE, text);
        out.println("   customer -> salon : " + text);
        out.println("   salon -> customer : " + awaitNew(phone, customer, before, "the assistant's answer"));
        out.println();
    }

    private static String awaitNew(SimulatedPhone phone, String chat, int before, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (phone.sentTo(PHONE, chat).size() <= before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " within 60 s");
            }
            Thread.sleep(200);
        }
        return phone.sentTo(PHONE, chat).get(before);
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
