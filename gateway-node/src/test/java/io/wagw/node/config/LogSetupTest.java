package io.wagw.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    @Test
    void logbackIsSetUpInCodeWithoutReadingXml() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class,
                a -> assertThat(a.getTarget()).isEqualTo("System.err"));
        assertThat(context.getLogger("org.flywaydb").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.zaxxer.hikari").getLevel()).isEqualTo(Level.WARN);
        // no XML configuration was parsed: Joran's classes were never loaded
        assertThat(ClassLoader.getSystemClassLoader().getDefinedPackage("ch.qos.logback.core.joran")).isNull();
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
