import EventLog
import Programme

/// `koers indicators`: recorded values of project indicators over time.
enum IndicatorsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "indicators", abstract: "List the recorded indicator values per project, period and municipality.",
        options: [.init("project", valueName: "ID", help: "Only this project's indicators.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let project = arguments.value("project")
        return try ViewSupport.show(arguments, context, view: { state in .array(ProgrammeViews.indicators(state).arrayValue!.filter { project == nil || $0.objectValue!["project"] == .string(project!) }) }) { view, state in
            var table = TextTable(columns: [
                .init("project"), .init("indicator"), .init("period"), .init("municipality"), .init("value", alignment: .right), .init("unit"),
            ])
            for row in view.arrayValue! {
                let r = row.objectValue!
                table.append(["project", "indicator", "period", "municipality"].map { ViewSupport.text(r[$0]) }
                    + [ViewSupport.text(r["value"]) + (r["conflicted"] == .bool(true) ? " *" : ""), ViewSupport.text(r["unit"])])
            }
            return table.rendered + "\n\(table.rows.count) values\n"
        }
    }
}
