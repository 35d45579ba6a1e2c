import EventLog
import Programme

/// `koers projects`: every project with its theme line, status and lead.
enum ProjectsCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "projects", abstract: "List the projects: theme line, status, lead.",
        options: [
            .init("all", help: "Also list projects that have ended."),
            .init("theme", valueName: "ID", help: "Only the projects of this theme line."),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let state = try ViewSupport.state(arguments, context, scope: .core)
        let theme = arguments.value("theme")
        let shown = ProgrammeViews.sortedKeys(state.projects).map { state.projects[$0]! }.filter { project in
            (arguments.flag("all") || project.ending == nil) && (theme == nil || project.text("theme") == theme)
        }
        if arguments.flag("json") {
            context.printJSON(.array(shown.map(ProgrammeViews.projectSummary)))
            return 0
        }
        var table = TextTable(columns: [.init("project"), .init("name", maxWidth: 44), .init("theme"), .init("status"), .init("since")])
        var conflicts = false
        for project in shown {
            conflicts = conflicts || project.fields.values.contains { $0.isConflicted }
            table.append([
                project.id, ViewSupport.marked(project.fields["name"]), ViewSupport.marked(project.fields["theme"]),
                project.ending == nil ? ViewSupport.marked(project.fields["status"]) : project.status,
                (project.ending?.ref.effective ?? project.started.effective).description,
            ])
        }
        var text = table.rendered + "\n\(shown.count) projects"
        if let at = arguments.value("at") { text += " on \(at)" }
        text += "\n"
        if conflicts { text += "* conflicting values: see 'koers conflicts'\n" }
        context.console.out(text)
        return 0
    }
}
