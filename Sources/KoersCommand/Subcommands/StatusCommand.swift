import EventLog

/// `koers status`: who this replica is and what it holds.
enum StatusCommand: Subcommand {
    static let spec = CommandSpec(
        name: "status",
        abstract: "Show the replica's id, owner, version vector and event counts per origin.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        let heads = try replica.heads()
        let vector = try replica.versionVector()
        let total = vector.total
        if arguments.flag("json") {
            context.printJSON(.object([
                ("replica", .string(replica.identity.replica)),
                ("owner", .string(replica.identity.owner)),
                ("clock", .object(vector.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
                ("events", .integer(Int64(total))),
                ("origins", .array(vector.entries.map { entry in
                    .object([
                        ("origin", .string(entry.origin)), ("events", .integer(Int64(entry.seq))),
                        ("head", .string(heads[entry.origin]!.hash)), ("hlc", .string(heads[entry.origin]!.hlc.description)),
                    ])
                })),
            ]))
            return 0
        }
        var text = "replica  \(replica.identity.replica)\nowner    \(replica.identity.owner)\nevents   \(total)\nclock    \(vector.description.isEmpty ? "(empty)" : vector.description)\n"
        if !vector.entries.isEmpty {
            var table = TextTable(columns: [.init("origin"), .init("events", alignment: .right), .init("latest")])
            for entry in vector.entries {
                table.append([entry.origin, String(entry.seq), heads[entry.origin]!.hlc.description])
            }
            text += "\n" + table.rendered + "\n"
        }
        context.console.out(text)
        return 0
    }
}
