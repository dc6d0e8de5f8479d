package io.wagw.assistant.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each model costs, in US dollars per million tokens in and out. A model without a price costs 0 (its
 * tokens are still counted). Parsed from {@code model=in/out,model=in/out}, e.g.
 * {@code gpt-4o-mini=0.15/0.60,claude-3-5-haiku-latest=0.80/4}.
 */
public record Prices(Map<String, Price> byModel) {
    public record Price(double inPerMillion, double outPerMillion) {}

    public Prices {
        byModel = Map.copyOf(byModel);
    }

    public static Prices none() {
        return new Prices(Map.of());
    }

    /** The cost of one call. */
    public double cost(String model, long tokensIn, long tokensOut) {
        Price p = byModel.get(model);
        return p == null ? 0 : (tokensIn * p.inPerMillion() + tokensOut * p.outPerMillion()) / 1_000_000.0;
    }

    /** @throws IllegalArgumentException naming the part that is wrong */
    public static Prices parse(String spec) {
        var out = new LinkedHashMap<String, Price>();
        if (spec == null || spec.isBlank()) {
            return none();
        }
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.lastIndexOf('=');
            int slash = p.lastIndexOf('/');
            if (eq <= 0 || slash < eq) {
                throw new IllegalArgumentException(
                        "'%s' is not model=in/out (US dollars per million tokens, e.g. gpt-4o-mini=0.15/0.60)"
                                .formatted(p));
            }
            String model = p.substring(0, eq).strip();
            try {
                double in = Double.parseDouble(p.substring(eq + 1, slash).strip());
                double outPrice = Double.parseDouble(p.substring(slash + 1).strip());
                if (!(in >= 0 && outPrice >= 0 && in < 1_000_000 && outPrice < 1_000_000)) {
                    throw new NumberFormatException();
                }
                out.put(model, new Price(in, outPrice));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'%s': prices must be non-negative numbers (US dollars per million tokens)".formatted(p));
            }
        }
        return new Prices(out);
    }
}
