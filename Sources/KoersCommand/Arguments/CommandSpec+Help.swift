extension CommandSpec {
    /// The one-line synopsis, e.g. `usage: koers init DIR --replica ID --owner OWNER [--store DIR] [--json]`.
    ///
    /// `--help` is left out: every command has it and the line is long enough already.
    package var usageLine: String {
        var words = ["usage: koers", name]
        for positional in positionals {
            words.append(positional.isOptional ? "[\(positional.name)]" : positional.name)
        }
        for option in allOptions where option.name != "help" {
            let synopsis = Self.synopsis(of: option)
            if option.isRequired {
                words.append(synopsis)
            } else {
                words.append("[\(synopsis)]" + (option.isRepeatable ? "..." : ""))
            }
        }
        if acceptsFreeOptions {
            words.append("[--FIELD VALUE]...")
        }
        return words.joined(separator: " ")
    }

    /// The full `--help` text: abstract, usage, arguments, options in aligned columns, then the discussion.
    package var helpText: String {
        let argumentRows = positionals.map { (term: $0.name, help: $0.help) }
        var optionRows = allOptions.map { option in
            let long = Self.synopsis(of: option)
            let term = option.shortName.map { "-\($0), \(long)" } ?? long
            var help = option.help
            if option.isRequired { help += " (required)" }
            if option.isRepeatable { help += " (repeatable)" }
            return (term: term, help: help)
        }
        if acceptsFreeOptions {
            optionRows.append((term: "--FIELD VALUE", help: "Set the field FIELD to VALUE (any kebab-case name)."))
        }
        // One width for both sections so the help column lines up across the whole text.
        let width = (argumentRows + optionRows).map(\.term.count).max() ?? 0

        func section(_ title: String, _ rows: [(term: String, help: String)]) -> String {
            let lines = rows.map { row in
                let padding = String(repeating: " ", count: width - row.term.count + 2)
                return "  " + row.term + padding + row.help
            }
            return ([title + ":"] + lines).joined(separator: "\n")
        }

        var blocks = [abstract, usageLine]
        if !argumentRows.isEmpty { blocks.append(section("arguments", argumentRows)) }
        blocks.append(section("options", optionRows))
        if let discussion { blocks.append(discussion) }
        return blocks.joined(separator: "\n\n")
    }

    /// What to print for a usage error: the message, the usage line, and where to get help.
    package func errorText(for error: UsageError) -> String {
        """
        error: \(error.message)
        \(usageLine)
        see 'koers \(name) --help'
        """
    }

    private static func synopsis(of option: Option) -> String {
        option.valueName.map { "--\(option.name) \($0)" } ?? "--\(option.name)"
    }
}
