import EventLog

/// The `koers` command line: parses arguments, runs one subcommand, and returns the exit status.
public enum KoersCommand {
    public static func run(arguments: [String]) -> Int32 {
        0
    }
}
