import EventLog
import PeerSync

/// `koers serve --stdio`: answers one sync round on standard input and output (what `ssh host koers serve` runs).
enum ServeCommand: Subcommand {
    static let spec = CommandSpec(
        name: "serve",
        abstract: "Answer one sync round on standard input/output (used by ssh:// and --exec).",
        options: [.init("stdio", help: "Speak the sync protocol on standard input and output (required).")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        guard arguments.flag("stdio") else { throw UsageError.missingOption("--stdio") }
        let replica = try context.openReplica(arguments)
        _ = try SyncRound.serve(replica, over: FrameChannel(input: 0, output: 1))
        return 0
    }
}
