import EventLog
import Synchronization

/// One `koers` subcommand: the shape of its arguments and what it does with them.
protocol Subcommand {
    static var spec: CommandSpec { get }
    /// Runs the command; returns its exit status or throws an error for `KoersCommand` to present.
    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32
}

/// What a running command may use from outside: the environment and the console.
struct CommandContext {
    var environment: [String: String]
    var console: Console
    /// The command runs as the process (`koers`), which exits when it returns; not in tests that run commands in-process.
    var endsTheProcess = false

    /// Leaves a large value for the process's exit to free, all at once, instead of piece by piece when the
    /// command returns: freeing the million events of an import one by one takes about a tenth of it.
    /// Run in-process, the value is freed as usual.
    func keepUntilExit(_ value: some Sendable) {
        guard endsTheProcess else { return }
        keptUntilExit.withLock { $0.append(value) }
    }

    /// The replica chosen by `--store DIR`, else `KOERS_STORE`, else the current directory.
    func storePath(_ arguments: ParsedArguments) -> String {
        arguments.value("store") ?? environment["KOERS_STORE"] ?? "."
    }

    /// Opens the chosen replica for reading, first repairing (and reporting once) what a crash left if no writer is active.
    func openReplica(_ arguments: ParsedArguments) throws -> Replica {
        let replica = try Replica.open(at: storePath(arguments))
        report(try replica.recoverIfIdle())
        return replica
    }

    func report(_ recoveries: [Recovery]) {
        for recovery in recoveries { console.err("warning: \(recovery)\n") }
    }

    /// Prints a JSON value as one canonical line.
    func printJSON(_ value: JSONValue) {
        console.out(value.canonicalString + "\n")
    }
}

extension CommandContext {
    /// The wall clock for new events: the system's, or KOERS_NOW (for generators and tests).
    func wallMillis() throws -> Int64 {
        do { return try WallClock.nowMillis(environment: environment) } catch {
            throw EventLogError.wallClock(error.description)
        }
    }
}

/// What commands left for the process's exit to free (see `CommandContext.keepUntilExit`): a global is never freed.
private let keptUntilExit = Mutex<[any Sendable]>([])
