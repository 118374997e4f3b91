package io.meshstreams.cli;

import java.util.Arrays;

/**
 * Configures SLF4J's simple logger before the first logger is created. Logs go to standard error, so that
 * standard output carries only a command's results (for {@code mesh dev}: exactly the ready line). By default
 * only warnings of ours and errors of Kafka's show; {@code --verbose} shows everything at INFO.
 */
final class Logging {
    private Logging() {
    }

    static void configure(String[] args) {
        boolean verbose = verbose(args);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        if (!verbose) {
            // Kafka's broker logs routine events (controller activation, leader moves) at WARN.
            setDefault("org.slf4j.simpleLogger.log.kafka", "error");
            setDefault("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
            setDefault("org.slf4j.simpleLogger.log.org.eclipse.jetty", "error");
            // The example apps (mesh demo) log their progress at INFO; the demo prints its own.
            setDefault("org.slf4j.simpleLogger.log.io.meshstreams.examples", "warn");
        }
    }

    static boolean verbose(String[] args) {
        return Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
