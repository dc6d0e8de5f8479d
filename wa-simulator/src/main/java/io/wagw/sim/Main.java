package io.wagw.sim;

/** {@code java -jar wa-simulator.jar --port 7070 [--qr-first-ms N ...]}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Named so that it never shadows the logging set-up of a program that embeds the simulator.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "wa-simulator-logback.xml");
        }
        SimulatorOptions options;
        try {
            options = SimulatorOptions.parse(
                    args, SimulatorOptions.defaults().withHost("0.0.0.0").withPort(7070));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        WaSimulator sim = WaSimulator.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "wa-simulator-shutdown"));
        System.out.println("wa-simulator listening on " + sim.baseUrl() + " (page at /, control API at /sim/)");
    }
}
