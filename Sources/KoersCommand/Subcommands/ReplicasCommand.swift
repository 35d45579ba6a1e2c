import EventLog
import Programme

/// `koers replicas`: the enrolled replicas, their owners and keys, and revocations.
enum ReplicasCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "replicas",
        abstract: "List the replicas the programme office enrolled: owner, key, and whether revoked.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, scope: .core, view: { state in ProgrammeViews.replicas(state) }) { view, state in
            var table = TextTable(columns: [.init("replica"), .init("owner"), .init("key"), .init("enrolled"), .init("revoked")])
            for replica in view.arrayValue! {
                let r = replica.objectValue!
                let revoked = r["revoked"]?.objectValue.map { "\(ViewSupport.text($0["effective"])) (\(ViewSupport.text($0["reason"])))" } ?? "-"
                table.append([
                    ViewSupport.text(r["replica"]), ViewSupport.text(r["owner"]), String(ViewSupport.text(r["key"]).prefix(16)) + "…",
                    ViewSupport.text(r["enrolled"]?.objectValue?["effective"]), revoked,
                ])
            }
            let trusted = state.trustedKeys.map(\.name).joined(separator: ", ")
            return table.rendered + "\n\(table.rows.count) replicas enrolled; trusted root keys: \(trusted.isEmpty ? "none" : trusted)\n"
        }
    }
}
