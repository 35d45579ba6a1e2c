import EventLog
import Programme

/// `koers conflicts`: fields that concurrent changes set to different values.
enum ConflictsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "conflicts", abstract: "List conflicting concurrent changes, with every competing value, who set it and when.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, view: { state in ProgrammeViews.conflicts(state) }) { view, state in
            let conflicts = view.arrayValue!
            guard !conflicts.isEmpty else { return "no conflicts\n" }
            var text = ""
            for conflict in conflicts {
                let c = conflict.objectValue!
                text += "\(ViewSupport.text(c["thing"])) \(ViewSupport.text(c["field"])): shown '\(ViewSupport.text(c["shown"]))'\n"
                for value in c["values"]!.arrayValue! {
                    let v = value.objectValue!
                    text += "  '\(ViewSupport.text(v["value"]))'  set by \(ViewSupport.text(v["recordedBy"])) in \(ViewSupport.text(v["event"])) at \(ViewSupport.text(v["recorded"])) (effective \(ViewSupport.text(v["effective"])))\n"
                }
            }
            return text + "\(conflicts.count) conflict\(conflicts.count == 1 ? "" : "s"); a change recorded after seeing all sides resolves one\n"
        }
    }
}
