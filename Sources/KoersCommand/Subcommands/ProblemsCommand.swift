import EventLog
import Programme

/// `koers problems`: events that stay in the log but break a rule and are not applied.
enum ProblemsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "problems", abstract: "List events kept in the log but not applied because they break a rule.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context)
        let view = ProgrammeViews.problems(state).arrayValue!
        if arguments.flag("json") {
            context.printJSON(.array(view))
            return 0
        }
        guard !view.isEmpty else {
            context.console.out("no problems\n")
            return 0
        }
        var text = ""
        for problem in view {
            let p = problem.objectValue!
            text += "\(ViewSupport.text(p["event"])) \(ViewSupport.text(p["type"])) by \(ViewSupport.text(p["recordedBy"])): \(ViewSupport.text(p["message"])) [\(ViewSupport.text(p["rule"]))]\n"
        }
        context.console.out(text + "\(view.count) event\(view.count == 1 ? "" : "s") not applied\n")
        return 0
    }
}
