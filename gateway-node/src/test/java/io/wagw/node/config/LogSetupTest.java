package io.wagw.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    @Test
    void logbackIsSetUpInCodeWithoutReadingXml() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDERR"))
                .isInstanceOfSatisfying(
                        ConsoleAppender.class, a -> assertThat(a.getTarget()).isEqualTo("System.err"));
        assertThat(context.getLogger("org.flywaydb").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.zaxxer.hikari").getLevel()).isEqualTo(Level.WARN);
        // no XML configuration was parsed: Joran's classes were never loaded
        assertThat(ClassLoader.getSystemClassLoader().getDefinedPackage("ch.qos.logback.core.joran"))
                .isNull();
    }

    @Test
    void controlCharactersInMessagesAndExceptionsCannotForgeLines() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        var layout = LogSetup.layout(context);
        var failure =
                new IllegalStateException("bad\r\n00:00:00.000 ERROR forged", new RuntimeException("\u001b[2Jcleared"));
        var event = new LoggingEvent(
                LogSetupTest.class.getName(),
                context.getLogger("io.wagw.test"),
                Level.WARN,
                "session {}: {}",
                failure,
                new Object[] {"a\nb", "nul\u0000 del\u007f c1\u0085 tab\t"});

        String out = layout.doLayout(event);

        String firstLine = out.lines().findFirst().orElseThrow();
        assertThat(firstLine).endsWith("session a\\nb: nul\\u0000 del\\u007f c1\\u0085 tab\\t");
        assertThat(out)
                .contains(
                        "java.lang.IllegalStateException: bad\\r\\n00:00:00.000 ERROR forged",
                        "Caused by: java.lang.RuntimeException: \\u001b[2Jcleared",
                        "at io.wagw.node.config.LogSetupTest");
        assertThat(out.lines()).noneMatch(l -> l.startsWith("00:00:00.000"));
        assertThat(out.chars()).noneMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f);
    }

    @Test
    void theLevelComesFromGwLogLevelAndFallsBackToInfo() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
        assertThat(LogSetup.level(" ")).isEqualTo(Level.INFO);
        assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LogSetup.level("WARN")).isEqualTo(Level.WARN);
        assertThat(LogSetup.level("loud")).isEqualTo(Level.INFO);
    }
}
