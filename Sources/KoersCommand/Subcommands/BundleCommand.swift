import EventLog
import PeerSync

/// `koers bundle create|apply FILE`: events in a file, for exchange where networks may not talk.
enum BundleCommand: Subcommand {
    static let spec = CommandSpec(
        name: "bundle",
        abstract: "Write the events a receiver lacks into a file, or take in such a file.",
        discussion: """
            'koers bundle create FILE --since VECTOR' writes every event beyond VECTOR (the \
            receiver's 'koers status' clock; everything when omitted). 'koers bundle apply FILE' \
            takes in the events this replica lacks with the same checks as a live sync round, all \
            or nothing. A bundle is JSON Lines: a header line, then events in the log's order.
            """,
        positionals: [
            .init("ACTION", help: "create or apply."),
            .init("FILE", help: "The bundle file."),
        ],
        options: [.init("since", valueName: "VECTOR", help: "With create: leave out events up to this vector.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let action = arguments.positional("ACTION")!
        let file = arguments.positional("FILE")!
        let replica = try context.openReplica(arguments)
        let summary: PeerSync.Bundle.Summary
        switch action {
        case "create":
            var since = VersionVector()
            if let text = arguments.value("since") {
                do { since = try VersionVector(parsing: text) } catch {
                    throw UsageError.invalidValue(option: "--since", value: text, reason: "\(error)")
                }
            }
            summary = try PeerSync.Bundle.create(from: replica, at: file, since: since)
            if !arguments.flag("json") { context.console.out("wrote \(summary.events) events to \(file)\n") }
        case "apply":
            if arguments.value("since") != nil { throw UsageError.unexpectedArgument("--since") }
            summary = try PeerSync.Bundle.apply(file, to: replica)
            if !arguments.flag("json") {
                context.console.out("applied \(summary.events) new events from \(summary.replica)'s bundle \(file)\n  after   \(summary.vector)\n")
            }
        default:
            throw UsageError.invalidValue(option: "ACTION", value: action, reason: "expected create or apply")
        }
        if arguments.flag("json") {
            context.printJSON(.object([
                ("action", .string(action)), ("file", .string(file)), ("events", .integer(Int64(summary.events))),
                ("perOrigin", .object(summary.perOrigin.map { ($0.key, .integer(Int64($0.value))) })),
                ("vector", .object(summary.vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
            ]))
        }
        return 0
    }
}
