package io.wagw.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * How a simulator runs. Defaults reproduce WhatsApp Web's timings; tests shorten them with the
 * {@code with...} methods, e.g. {@code SimulatorOptions.defaults().withQrFirstMs(2000).withQrNextMs(1000)}.
 *
 * @param host          interface to bind ({@code 127.0.0.1} embedded, {@code 0.0.0.0} from the command line)
 * @param port          TCP port, 0 for a free one
 * @param qrFirstMs     lifetime of the first QR code of a round (WhatsApp: about 60 s)
 * @param qrNextMs      lifetime of each later QR code (about 20 s)
 * @param qrCodes       QR codes per round before the page stops at {@code UNPAIRED_IDLE} (about 6)
 * @param pairingCodeMs lifetime of a pairing code (about 180 s)
 * @param pairingCodes  pairing codes per round (at most 5)
 * @param syncMs        how long the loading (progress) screen lasts after login before the page is ready
 * @param pageWeightMb  MB of live JS memory each page holds, to model the real page's footprint
 * @param maxTextChars  longest accepted message text
 * @param historyLimit  inbound messages kept per account once every device has them
 */
public record SimulatorOptions(
        String host,
        int port,
        long qrFirstMs,
        long qrNextMs,
        int qrCodes,
        long pairingCodeMs,
        int pairingCodes,
        long syncMs,
        int pageWeightMb,
        int maxTextChars,
        int historyLimit) {

    public SimulatorOptions {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is required");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        positive("qrFirstMs", qrFirstMs);
        positive("qrNextMs", qrNextMs);
        positive("qrCodes", qrCodes);
        positive("pairingCodeMs", pairingCodeMs);
        positive("pairingCodes", pairingCodes);
        if (syncMs < 0) throw new IllegalArgumentException("syncMs must be >= 0, got " + syncMs);
        if (pageWeightMb < 0 || pageWeightMb > 4096)
            throw new IllegalArgumentException("pageWeightMb must be 0..4096, got " + pageWeightMb);
        positive("maxTextChars", maxTextChars);
        positive("historyLimit", historyLimit);
    }

    /** WhatsApp's real timings, a free port on the loopback interface, a light page. */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, 60_000, 20_000, 6, 180_000, 5, 1_500, 0, 4_096, 10_000);
    }

    /** Short timings for tests: 5 s first QR, 2 s later ones, 3 codes, 0.2 s loading. */
    public static SimulatorOptions fast() {
        return defaults()
                .withQrFirstMs(5_000)
                .withQrNextMs(2_000)
                .withQrCodes(3)
                .withSyncMs(200);
    }

    public SimulatorOptions withHost(String v) {
        return new SimulatorOptions(
                v,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withPort(int v) {
        return new SimulatorOptions(
                host,
                v,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withQrFirstMs(long v) {
        return new SimulatorOptions(
                host,
                port,
                v,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withQrNextMs(long v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                v,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withQrCodes(int v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                v,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withPairingCodeMs(long v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                v,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withPairingCodes(int v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                v,
                syncMs,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withSyncMs(long v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                v,
                pageWeightMb,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withPageWeightMb(int v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                v,
                maxTextChars,
                historyLimit);
    }

    public SimulatorOptions withMaxTextChars(int v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                v,
                historyLimit);
    }

    public SimulatorOptions withHistoryLimit(int v) {
        return new SimulatorOptions(
                host,
                port,
                qrFirstMs,
                qrNextMs,
                qrCodes,
                pairingCodeMs,
                pairingCodes,
                syncMs,
                pageWeightMb,
                maxTextChars,
                v);
    }

    /**
     * Parses command-line flags ({@code --port 7070 --qr-first-ms 60000 ...}) over {@code base}.
     *
     * @throws IllegalArgumentException naming the flag that is unknown, lacks a value or is not a number
     */
    public static SimulatorOptions parse(String[] args, SimulatorOptions base) {
        SimulatorOptions o = base;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) throw new IllegalArgumentException(usage());
            String value;
            int eq = flag.indexOf('=');
            if (eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            } else {
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value\n" + usage());
                value = args[++i];
            }
            o = switch (flag) {
                case "--host" -> o.withHost(value);
                case "--port" -> o.withPort((int) number(flag, value));
                case "--qr-first-ms" -> o.withQrFirstMs(number(flag, value));
                case "--qr-next-ms" -> o.withQrNextMs(number(flag, value));
                case "--qr-codes" -> o.withQrCodes((int) number(flag, value));
                case "--pairing-code-ms" -> o.withPairingCodeMs(number(flag, value));
                case "--pairing-codes" -> o.withPairingCodes((int) number(flag, value));
                case "--sync-ms" -> o.withSyncMs(number(flag, value));
                case "--page-weight-mb" -> o.withPageWeightMb((int) number(flag, value));
                case "--max-text-chars" -> o.withMaxTextChars((int) number(flag, value));
                case "--history-limit" -> o.withHistoryLimit((int) number(flag, value));
                default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + usage());
            };
        }
        return o;
    }

    public static String usage() {
        List<String> lines = new ArrayList<>();
        lines.add("usage: java -jar wa-simulator.jar [options]");
        lines.add("  --host H               interface to bind (default 0.0.0.0)");
        lines.add("  --port N               HTTP port (default 7070)");
        lines.add("  --qr-first-ms N        first QR lifetime (default 60000)");
        lines.add("  --qr-next-ms N         later QR lifetime (default 20000)");
        lines.add("  --qr-codes N           QR codes per round before the reload button (default 6)");
        lines.add("  --pairing-code-ms N    pairing code lifetime (default 180000)");
        lines.add("  --pairing-codes N      pairing codes per round (default 5)");
        lines.add("  --sync-ms N            loading screen duration after login (default 1500)");
        lines.add("  --page-weight-mb N     MB of live JS memory each page holds (default 0)");
        lines.add("  --max-text-chars N     longest message text accepted (default 4096)");
        lines.add("  --history-limit N      inbound messages kept per account (default 10000)");
        return String.join("\n", lines);
    }

    private static long number(String flag, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'");
        }
    }

    private static void positive(String name, long v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
}
