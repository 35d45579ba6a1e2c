import EventLog
import Programme

/// `koers digest`: one hash of every view at the chosen point.
enum DigestCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "digest",
        abstract: "Print the SHA-256 of the canonical JSON of all views, to compare replicas or reports in one line.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context)
        let digest = ProgrammeViews.digest(state)
        if arguments.flag("json") {
            context.printJSON(.object([("digest", .string(digest)), ("events", .integer(Int64(state.eventCount)))]))
        } else {
            context.console.out(digest + "\n")
        }
        return 0
    }
}
