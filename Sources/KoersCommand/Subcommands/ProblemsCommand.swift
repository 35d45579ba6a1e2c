import EventLog
import Programme

/// `koers problems`: events that stay in the log but break a rule and are not applied.
enum ProblemsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "problems", abstract: "List events kept in the log but not applied because they break a rule.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, view: { state in ProgrammeViews.problems(state) }) { view, state in
            let problems = view.arrayValue!
            guard !problems.isEmpty else { return "no problems\n" }
            var text = ""
            for problem in problems {
                let p = problem.objectValue!
                text += "\(ViewSupport.text(p["event"])) \(ViewSupport.text(p["type"])) by \(ViewSupport.text(p["recordedBy"])): \(ViewSupport.text(p["message"])) [\(ViewSupport.text(p["rule"]))]\n"
            }
            return text + "\(problems.count) event\(problems.count == 1 ? "" : "s") not applied\n"
        }
    }
}
