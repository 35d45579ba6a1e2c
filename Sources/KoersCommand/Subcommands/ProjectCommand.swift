import EventLog
import Programme

/// `koers project ID`: one project's current state and its full history.
enum ProjectCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "project", abstract: "Show one project and its full history: who changed what, when, from which source.",
        positionals: [.init("ID", help: "The project's id.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let id = arguments.positional("ID")!
        let state = try ViewSupport.state(arguments, context, trackingHistoryOf: [id])
        guard let view = ProgrammeViews.project(state, id: id)?.objectValue, let project = state.projects[id] else {
            throw CommandFailure(text: "error: no project '\(id)' at this point; see 'koers projects --all'\n")
        }
        if arguments.flag("json") {
            context.printJSON(.object(view))
            return 0
        }
        var text = "\(id): \(ViewSupport.marked(project.fields["name"]))\n"
        text += "  theme        \(ViewSupport.marked(project.fields["theme"]))\n"
        text += "  status       \(project.ending == nil ? ViewSupport.marked(project.fields["status"]) : project.status)"
        if let into = project.ending?.into { text += " into \(into)" }
        text += "\n"
        for field in ["lead", "description"] where project.fields[field] != nil {
            text += "  \(field)\(String(repeating: " ", count: 13 - field.count))\(ViewSupport.marked(project.fields[field]))\n"
        }
        let participants = view["participants"]!.arrayValue!.map { ViewSupport.text($0) }
        if !participants.isEmpty { text += "  takes part   \(participants.joined(separator: ", "))\n" }
        text += "\nhistory:\n"
        for entry in project.history {
            let changes = entry.changes.members.filter { $0.name != "project" }
                .map { "\($0.name)=\(ViewSupport.text($0.value))" }.joined(separator: " ")
            text += "  \(entry.ref.effective)  \(entry.ref.type)  \(changes)\n"
            text += "      recorded \(entry.ref.hlc) by \(entry.ref.recordedBy) as \(entry.ref.name)\n"
            if let source = entry.source?.objectValue {
                text += "      source: \(ViewSupport.text(source["document"]))"
                if let quote = source["quote"]?.stringValue { text += ": \"\(quote.split(whereSeparator: \.isNewline).joined(separator: " "))\"" }
                text += "\n"
            }
        }
        context.console.out(text)
        return 0
    }
}
