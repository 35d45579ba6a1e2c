import EventLog
import Programme

/// `koers participation`: which municipalities take part in which projects.
enum ParticipationCommand: Subcommand {
    static let spec = ViewSupport.spec(name: "participation", abstract: "Show projects × municipalities: who takes part locally.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context)
        let view = ProgrammeViews.participation(state)
        if arguments.flag("json") {
            context.printJSON(view)
            return 0
        }
        let municipalities = ProgrammeViews.sortedKeys(state.owners.filter { $0.value.kind == "municipality" })
        let columns: [TextTable.Column] = [TextTable.Column("project")] + municipalities.map { TextTable.Column($0) }
            + [TextTable.Column("total", alignment: .right)]
        var table = TextTable(columns: columns)
        for row in view.arrayValue! {
            let r = row.objectValue!
            let taking = Set(r["municipalities"]!.arrayValue!.map { ViewSupport.text($0) })
            let conflicted = Set(r["conflicts"]!.arrayValue!.map { ViewSupport.text($0) })
            let cells: [String] = municipalities.map { m in
                (taking.contains(m) ? "x" : ".") + (conflicted.contains(m) ? "*" : "")
            }
            table.append([ViewSupport.text(r["project"])] + cells + [String(taking.count)])
        }
        context.console.out(table.rendered + "\n")
        return 0
    }
}
