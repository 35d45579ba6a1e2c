import EventLog
import Programme

/// `koers indicators`: recorded values of project indicators over time.
enum IndicatorsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "indicators", abstract: "List the recorded indicator values per project, period and municipality.",
        options: [.init("project", valueName: "ID", help: "Only this project's indicators.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context)
        let project = arguments.value("project")
        let view = ProgrammeViews.indicators(state).arrayValue!.filter { project == nil || $0.objectValue!["project"] == .string(project!) }
        if arguments.flag("json") {
            context.printJSON(.array(view))
            return 0
        }
        var table = TextTable(columns: [
            .init("project"), .init("indicator"), .init("period"), .init("municipality"), .init("value", alignment: .right), .init("unit"),
        ])
        for row in view {
            let r = row.objectValue!
            table.append(["project", "indicator", "period", "municipality"].map { ViewSupport.text(r[$0]) }
                + [ViewSupport.text(r["value"]) + (r["conflicted"] == .bool(true) ? " *" : ""), ViewSupport.text(r["unit"])])
        }
        context.console.out(table.rendered + "\n\(view.count) values\n")
        return 0
    }
}
