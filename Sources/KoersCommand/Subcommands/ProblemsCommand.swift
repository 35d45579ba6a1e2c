import EventLog
import Programme

/// `koers problems`: events that stay in the log but break a rule and are not applied, and evidence of equivocation.
enum ProblemsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "problems",
        abstract: "List events kept in the log but not applied because they break a rule, and evidence of equivocation.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        let equivocations = try replica.equivocations()
        return try ViewSupport.show(arguments, context, view: { state in
            .array(ProgrammeViews.problems(state).arrayValue! + equivocations.map(json))
        }) { view, state in
            let problems = view.arrayValue!.compactMap(\.objectValue)
            guard !problems.isEmpty else { return "no problems\n" }
            var text = ""
            for p in problems where p["rule"] == .string("equivocation") {
                text += "\(ViewSupport.text(p["event"])): \(ViewSupport.text(p["message"])) [equivocation]\n"
            }
            let notApplied = problems.filter { $0["rule"] != .string("equivocation") }
            for p in notApplied {
                text += "\(ViewSupport.text(p["event"])) \(ViewSupport.text(p["type"])) by \(ViewSupport.text(p["recordedBy"])): \(ViewSupport.text(p["message"])) [\(ViewSupport.text(p["rule"]))]\n"
            }
            return text + "\(notApplied.count) event\(notApplied.count == 1 ? "" : "s") not applied\(equivocations.isEmpty ? "" : ", \(equivocations.count) equivocation\(equivocations.count == 1 ? "" : "s")")\n"
        }
    }

    /// Evidence kept outside the log; shown whatever the cut, since it is about keys, not the world.
    static func json(_ equivocation: Equivocation) -> JSONValue {
        .object([
            ("event", .string("\(equivocation.origin):\(equivocation.seq)")), ("rule", .string("equivocation")),
            ("message", .string("replica \(equivocation.origin) signed two different events as seq \(equivocation.seq) (hashes \(equivocation.events.map(\.hash).joined(separator: " and "))); evidence in \(equivocation.file); the programme office should revoke \(equivocation.origin)")),
            ("evidence", .string(equivocation.file)), ("hashes", .array(equivocation.events.map { .string($0.hash) })),
        ])
    }
}
