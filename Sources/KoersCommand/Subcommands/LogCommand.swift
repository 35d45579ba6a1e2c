import EventLog

/// `koers log`: the events, oldest first.
enum LogCommand: Subcommand {
    static let spec = CommandSpec(
        name: "log",
        abstract: "List the events, oldest first.",
        discussion: """
            Events are listed in the log's total order: by hybrid timestamp, then origin, then seq, \
            which respects causality. With --json every event is printed as its stored canonical \
            JSON line (JSON Lines).
            """,
        options: [.init("origin", valueName: "ID", help: "Only the events of this origin.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        var origins = try replica.origins()
        if let origin = arguments.value("origin") {
            guard Identifier.isValid(origin) else { throw EventLogError.invalidIdentifier(field: "--origin", value: origin) }
            origins = origins.filter { $0 == origin }
        }
        // Each origin's log is already in the total order, so merging their heads lists everything in order.
        let merger = try LogMerger(origins.map { try replica.cursor(origin: $0) })
        var text = ""
        while let event = try merger.next()?.event {
            if arguments.flag("json") {
                text += String(decoding: event.line, as: UTF8.self) + "\n"
            } else {
                text += "\(event.hlc)  \(event.origin):\(event.seq)  \(event.effective)  \(event.type)  \(JSONValue.object(event.data).canonicalString)\n"
            }
            if text.utf8.count > 1 << 16 {
                context.console.out(text)
                text = ""
            }
        }
        context.console.out(text)
        return 0
    }
}
