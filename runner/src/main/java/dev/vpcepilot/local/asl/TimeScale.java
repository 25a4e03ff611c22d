package dev.vpcepilot.local.asl;

import java.time.Duration;
import java.util.Map;

/**
 * The factor by which local runs shorten Wait states and Retry intervals: 0.02 by default (a 5 s wait takes
 * 0.1 s), overridden by the environment variable {@value #ENV}; 0 means no waiting at all, 1 real time.
 */
public final class TimeScale {

    public static final String ENV = "VPCE_PILOT_TIME_SCALE";
    public static final double DEFAULT = 0.02;

    private TimeScale() {
    }

    /** The factor from {@value #ENV}, or the default; a value that is not a number >= 0 is an error. */
    public static double fromEnvironment(Map<String, String> environment) {
        String value = environment.get(ENV);
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        return parse(value, ENV);
    }

    public static double parse(String value, String source) {
        double factor;
        try {
            factor = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " must be a number >= 0 (e.g. 0.02), not '" + value + "'");
        }
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException(source + " must be a number >= 0 (e.g. 0.02), not '" + value + "'");
        }
        return factor;
    }

    public static Duration scale(Duration duration, double factor) {
        return Duration.ofNanos(Math.round(duration.toNanos() * factor));
    }
}
