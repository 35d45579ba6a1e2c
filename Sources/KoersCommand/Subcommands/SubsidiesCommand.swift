import EventLog
import Programme

/// `koers subsidies`: the subsidy applications.
enum SubsidiesCommand: Subcommand {
    static let spec = ViewSupport.spec(name: "subsidies", abstract: "List the subsidy applications.")

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        return try ViewSupport.show(arguments, context, scope: .core, view: { state in ProgrammeViews.subsidies(state) }) { view, state in
            var table = TextTable(columns: [.init("subsidy"), .init("name"), .init("grantor"), .init("amount", alignment: .right), .init("decision")])
            for row in view.arrayValue! {
                let r = row.objectValue!
                table.append([
                    ViewSupport.text(r["subsidy"]), ViewSupport.text(r["name"]), ViewSupport.text(r["grantor"]),
                    formatEuros(cents: r["amountCents"]!.integerValue!), ViewSupport.text(r["decision"]),
                ])
            }
            return table.rendered + "\n"
        }
    }
}
