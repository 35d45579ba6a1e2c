import EventLog
import Programme

/// `koers decisions`: decisions by date.
enum DecisionsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "decisions", abstract: "List the decisions by date.",
        options: [.init("body", valueName: "BODY", help: "Only the decisions of this body (bo, ao, programmateam or an owner).")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context)
        let body = arguments.value("body")
        let view = ProgrammeViews.decisions(state).arrayValue!.filter { body == nil || $0.objectValue!["body"] == .string(body!) }
        if arguments.flag("json") {
            context.printJSON(.array(view))
            return 0
        }
        var table = TextTable(columns: [.init("date"), .init("body"), .init("outcome"), .init("decision"), .init("title", maxWidth: 72)])
        for decision in view {
            let d = decision.objectValue!
            table.append(["date", "body", "outcome", "decision", "title"].map { ViewSupport.text(d[$0]) })
        }
        context.console.out(table.rendered + "\n\(view.count) decisions\n")
        return 0
    }
}
