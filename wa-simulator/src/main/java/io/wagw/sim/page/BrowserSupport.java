package io.wagw.sim.page;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which user agents get the app, like WhatsApp Web: headless Chromium's default agent (it contains
 * {@code HeadlessChrome}), Chrome older than 60 and agents naming no known browser get the
 * "WhatsApp works with Google Chrome 60+" page instead.
 */
public final class BrowserSupport {
    private static final Pattern CHROME = Pattern.compile("Chrome/(\\d+)");
    private static final Pattern OTHER = Pattern.compile("(Firefox|Version/\\d+.*Safari|Edg|OPR)/?\\d");

    private BrowserSupport() {}

    public static boolean isSupported(String userAgent) {
        if (userAgent == null || userAgent.contains("HeadlessChrome")) return false;
        Matcher chrome = CHROME.matcher(userAgent);
        if (chrome.find()) {
            try {
                return Integer.parseInt(chrome.group(1)) >= 60;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return OTHER.matcher(userAgent).find();
    }
}
