import EventLog
import Programme

/// `koers budget`: income and expense lines per year, with totals and the risk reserve.
enum BudgetCommand: Subcommand {
    static let spec = ViewSupport.spec(
        name: "budget", abstract: "Show the budget per year: lines in euros, totals, reserve; flags overspending.",
        options: [.init("year", valueName: "YEAR", help: "Only this year.")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        var year: Int64?
        if let text = arguments.value("year") {
            guard let value = Int64(text), (1900...9999).contains(value) else {
                throw UsageError.invalidValue(option: "--year", value: text, reason: "expected a year such as 2024")
            }
            year = value
        }
        let state = try ViewSupport.state(arguments, context)
        let view = ProgrammeViews.budget(state, year: year)
        if arguments.flag("json") {
            context.printJSON(view)
            return 0
        }
        var text = ""
        for yearView in view.objectValue!["years"]!.arrayValue! {
            let y = yearView.objectValue!
            text += "budget \(ViewSupport.text(y["year"])) (EUR)\n"
            for side in ["income", "expense"] {
                var table = TextTable(columns: [.init(side), .init("line"), .init("amount", alignment: .right)])
                for line in y[side]!.arrayValue! {
                    let l = line.objectValue!
                    let name = ViewSupport.text(l["name"]) + (l["reserve"] == .bool(true) ? " (reserve)" : "")
                    table.append([name, ViewSupport.text(l["line"]), formatEuros(cents: l["amountCents"]!.integerValue!)])
                }
                text += "\n" + table.rendered + "\n"
            }
            func euros(_ name: String) -> String { formatEuros(cents: y[name]!.integerValue!) }
            var totals = TextTable(columns: [.init("total"), .init("income", alignment: .right), .init("expense", alignment: .right)])
            totals.append(["without reserve", euros("totalIncome"), euros("totalExpense")])
            totals.append(["with reserve", euros("totalIncomeWithReserve"), euros("totalExpenseWithReserve")])
            text += "\n" + totals.rendered + "\n"
            if y["overspent"] == .bool(true) {
                text += "warning: expenses exceed income in \(ViewSupport.text(y["year"])): the programme may spend only what subsidies bring in\n"
            }
            text += "\n"
        }
        context.console.out(text.isEmpty ? "no budget lines\n" : text)
        return 0
    }
}
