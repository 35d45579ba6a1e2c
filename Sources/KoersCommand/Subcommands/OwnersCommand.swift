import EventLog
import Programme

/// `koers owners`: the owner organisations of the programme.
enum OwnersCommand: Subcommand {
    static let spec = ViewSupport.spec(name: "owners", abstract: "List the owner organisations and when they joined.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, scope: .core, view: { state in ProgrammeViews.owners(state) }) { view, state in
            var table = TextTable(columns: [.init("owner"), .init("name"), .init("kind"), .init("joined")])
            for owner in view.arrayValue! {
                let o = owner.objectValue!
                table.append(["owner", "name", "kind", "joined"].map { ViewSupport.text(o[$0]) })
            }
            return table.rendered + "\n\(table.rows.count) owners\n"
        }
    }
}
