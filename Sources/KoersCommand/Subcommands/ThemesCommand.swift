import EventLog
import Programme

/// `koers themes`: the theme lines.
enum ThemesCommand: Subcommand {
    static let spec = ViewSupport.spec(name: "themes", abstract: "List the theme lines.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, scope: .core, view: { state in ProgrammeViews.themes(state) }) { view, state in
            var table = TextTable(columns: [.init("theme"), .init("name"), .init("projects", alignment: .right)])
            for theme in view.arrayValue! {
                let id = ViewSupport.text(theme.objectValue!["theme"])
                let count = state.projects.values.filter { $0.text("theme") == id && $0.ending == nil }.count
                table.append([id, ViewSupport.text(theme.objectValue!["name"]), String(count)])
            }
            return table.rendered + "\n"
        }
    }
}
