import EventLog
import Programme

/// `koers decisions`: decisions by date.
enum DecisionsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "decisions", abstract: "List the decisions by date.",
        options: [.init("body", valueName: "BODY", help: "Only the decisions of this body (bo, ao, programmateam or an owner).")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let body = arguments.value("body")
        return try ViewSupport.show(arguments, context, view: { state in .array(ProgrammeViews.decisions(state).arrayValue!.filter { body == nil || $0.objectValue!["body"] == .string(body!) }) }) { view, state in
            var table = TextTable(columns: [.init("date"), .init("body"), .init("outcome"), .init("decision"), .init("title", maxWidth: 72)])
            for decision in view.arrayValue! {
                let d = decision.objectValue!
                table.append(["date", "body", "outcome", "decision", "title"].map { ViewSupport.text(d[$0]) })
            }
            return table.rendered + "\n\(table.rows.count) decisions\n"
        }
    }
}
