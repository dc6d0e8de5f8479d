package io.wagw.node.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Arrays;
import java.util.Map;

/**
 * The node's logging, set up in code: every line to standard error at {@code GW_LOG_LEVEL} (default
 * {@code INFO}), the libraries' start-up chatter at {@code WARN}. Logback finds this class as a service
 * before it looks for {@code logback.xml}; reading an XML configuration would load its XML parser and
 * configuration model, several hundred classes a node keeps for its whole life. An operator's own file,
 * given with {@code -Dlogback.configurationFile=...}, still takes over.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n%ex";
    private static final Map<String, Level> QUIET =
            Map.of("org.flywaydb", Level.WARN, "com.zaxxer.hikari", Level.WARN, "io.zonky", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        var encoder = new LayoutWrappingEncoder<ILoggingEvent>();
        encoder.setContext(context);
        encoder.setLayout(layout(context));
        encoder.start();
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(System.getenv("GW_LOG_LEVEL")));
        root.addAppender(appender);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * The line layout: {@link #PATTERN}, with control characters in messages and in exception messages
     * escaped, so that no logged value (a session name from a URL, a text from a page) can start a forged
     * line or send a terminal escape. A line ends only where the layout ends it.
     */
    static PatternLayout layout(LoggerContext context) {
        var layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("msg", EscapedMessage::new);
        layout.getInstanceConverterMap().put("ex", EscapedThrowable::new);
        layout.setPattern(PATTERN);
        layout.start();
        return layout;
    }

    /**
     * {@code text} with its C0 and C1 control characters and DEL written out: {@code \n}, {@code \r},
     * {@code \t}, else {@code \}{@code uXXXX}.
     */
    static String escapeControls(String text) {
        if (text == null || text.chars().noneMatch(LogSetup::isControl)) {
            return text;
        }
        var out = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append("\\u%04x".formatted(c));
                    } else {
                        out.append((char) c);
                    }
                }
            }
        });
        return out.toString();
    }

    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** {@code %msg} with control characters escaped. */
    static final class EscapedMessage extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return escapeControls(super.convert(event));
        }
    }

    /** {@code %ex}: the stack trace's lines as usual, each exception's message with control characters escaped. */
    static final class EscapedThrowable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy proxy) {
            return super.throwableProxyToString(new Escaped(proxy));
        }
    }

    private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return escapeControls(proxy.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return escapeControls(proxy.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return proxy.getCause() == null ? null : new Escaped(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            var suppressed = proxy.getSuppressed();
            return suppressed == null
                    ? null
                    : Arrays.stream(suppressed).map(Escaped::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }

    /** {@code GW_LOG_LEVEL} as a level; INFO when unset or not a level name. */
    static Level level(String name) {
        return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.trim(), Level.INFO);
    }
}
