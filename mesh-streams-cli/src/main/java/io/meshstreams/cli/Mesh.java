package io.meshstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mesh} command. Subcommands do the work; this class only wires them and sets up logging before any
 * logger exists, so that standard output carries only what a command promises to print.
 */
@Command(name = "mesh",
        mixinStandardHelpOptions = true,
        versionProvider = Mesh.Version.class,
        description = "mesh-streams: the backbone of a streaming data mesh on Apache Kafka.",
        subcommands = {DemoCommand.class, DevCommand.class, ProductCommands.Validate.class, ProductCommands.Plan.class,
            ProductCommands.Apply.class, ProductCommands.Catalog.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Mesh {

    public static void main(String[] args) {
        Logging.configure(args);
        int exitCode = commandLine().execute(args);
        System.exit(exitCode);
    }

    static CommandLine commandLine() {
        return new CommandLine(new Mesh())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    commandLine.getErr().println(commandLine.getColorScheme()
                            .errorText("mesh " + commandLine.getCommandName() + ": " + exception.getMessage()));
                    if (Logging.verbose(parseResult.originalArgs().toArray(String[]::new))) {
                        exception.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                });
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Mesh.class.getPackage().getImplementationVersion();
            return new String[] {"mesh-streams " + (version == null ? "development" : version)};
        }
    }
}
