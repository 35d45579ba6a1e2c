import EventLog
import Programme

/// `koers partners`: partner organisations and what they are linked to.
enum PartnersCommand: Subcommand {
    static let spec = ViewSupport.spec(name: "partners", abstract: "List the partner organisations and their links to projects and theme lines.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, scope: .core, view: { state in ProgrammeViews.partners(state) }) { view, state in
            var table = TextTable(columns: [.init("partner"), .init("name"), .init("kind"), .init("links")])
            for partner in view.arrayValue! {
                let p = partner.objectValue!
                let links = p["links"]!.arrayValue!.map { link -> String in
                    let l = link.objectValue!
                    let target = l["project"].map { "project:" + ViewSupport.text($0) } ?? "theme:" + ViewSupport.text(l["theme"])
                    return "\(target) (\(ViewSupport.text(l["role"])))\(l["conflicted"] == .bool(true) ? " *" : "")"
                }
                table.append([ViewSupport.text(p["partner"]), ViewSupport.text(p["name"]), ViewSupport.text(p["kind"]), links.joined(separator: ", ")])
            }
            return table.rendered + "\n\(table.rows.count) partners\n"
        }
    }
}
