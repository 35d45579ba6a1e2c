import EventLog

/// `koers verify`: checks every hash, link, sequence number and clock of the replica.
enum VerifyCommand: Subcommand {
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Check the integrity of every event; exit 0 only if all is well.",
        discussion: """
            Checks every line parses as an event, every hash, every prev link, that seq runs \
            1, 2, 3 … per origin, that clock[origin] equals seq, that clocks and timestamps never \
            go back, and that clocks refer only to events the replica holds. Each problem names \
            the file, line and event. Every origin's events must name one signing key throughout. \
            With --signatures, every event's Ed25519 signature is verified as well (on all cores; \
            the slow part), and an unsigned event is a problem.
            """,
        options: [.init("signatures", help: "Verify every event's signature too.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        let signatures = arguments.flag("signatures")
        let report = try LogVerifier.verify(replica, signatures: signatures)
        if arguments.flag("json") {
            context.printJSON(.object([
                ("valid", .bool(report.isValid)),
                ("events", .integer(Int64(report.events))),
                ("signaturesVerified", signatures ? .integer(Int64(report.signaturesVerified)) : .null),
                ("origins", .array(report.origins.map { .string($0) })),
                ("problems", .array(report.problems.map { problem in
                    .object([
                        ("file", .string(problem.file)), ("line", .integer(Int64(problem.line))),
                        ("event", problem.event.map { .string($0) } ?? .null), ("message", .string(problem.message)),
                    ])
                })),
                ("partialTails", .array(report.partialTails.map { .string($0) })),
            ]))
        } else {
            for tail in report.partialTails {
                context.console.err("note: \(tail) ends in an incomplete line (a write in progress); it was not checked\n")
            }
            if report.isValid {
                context.console.out("ok: \(report.events) events of \(report.origins.count) origins verified\(signatures ? ", every signature valid" : "")\n")
            } else {
                for problem in report.problems {
                    context.console.err("\(problem.file):\(problem.line): error: \(problem.event.map { "event \($0): " } ?? "")\(problem.message)\n")
                }
                context.console.err("verify failed: \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in \(report.events) events\n")
            }
        }
        return report.isValid ? 0 : 1
    }
}
