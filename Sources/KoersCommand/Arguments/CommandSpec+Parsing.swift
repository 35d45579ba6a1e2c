extension CommandSpec {
    /// Parses the arguments that follow the command's name against this spec.
    ///
    /// An option taking a value consumes the next argument whatever it looks like, so
    /// `--delta -5000` works; a lone `-` is a positional (conventionally standard input).
    package func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        let declared = allOptions
        var flags: Set<String> = []
        var values: [String: [String]] = [:]
        var freeOptions: [ParsedArguments.FreeOption] = []
        var positionalValues: [String] = []
        var optionsEnded = false

        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                positionalValues.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }

            let name: String
            let inlineValue: String?
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inlineValue = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                    inlineValue = nil
                }
            } else {
                // Short options are single letters with no attached value and no bundling.
                guard argument.count == 2, let short = argument.last,
                    let option = declared.first(where: { $0.shortName == short })
                else { throw .unknownOption(argument) }
                name = option.name
                inlineValue = nil
            }
            let spelled = "--" + name

            if let option = declared.first(where: { $0.name == name }) {
                if option.takesValue {
                    guard let value = inlineValue ?? remaining.popFirst() else {
                        throw .missingValue(option: spelled)
                    }
                    values[name, default: []].append(value)
                } else {
                    if let inlineValue { throw .unexpectedValue(option: spelled, value: inlineValue) }
                    flags.insert(name)
                }
            } else if acceptsFreeOptions {
                guard Self.isFreeOptionName(name) else { throw .invalidOptionName(spelled) }
                guard let value = inlineValue ?? remaining.popFirst() else {
                    throw .missingValue(option: spelled)
                }
                freeOptions.append(.init(name: name, value: value))
            } else {
                throw .unknownOption(spelled)
            }
        }

        if positionalValues.count > positionals.count {
            throw .unexpectedArgument(positionalValues[positionals.count])
        }
        if let missing = positionals.dropFirst(positionalValues.count).first(where: { !$0.isOptional }) {
            throw .missingArgument(missing.name)
        }
        if let missing = declared.first(where: { $0.isRequired && values[$0.name] == nil }) {
            throw .missingOption("--" + missing.name)
        }

        return ParsedArguments(
            flags: flags,
            values: values,
            positionals: Dictionary(uniqueKeysWithValues: zip(positionals.map(\.name), positionalValues)),
            freeOptions: freeOptions,
            declaredFlags: Set(declared.filter { !$0.takesValue }.map(\.name)),
            declaredValueOptions: Set(declared.filter(\.takesValue).map(\.name)),
            declaredPositionals: Set(positionals.map(\.name))
        )
    }

    /// Whether `name` may be used as a free option: kebab-case, `[a-z][a-z0-9-]*`.
    ///
    /// Free option names become field names downstream, so they are kept to one spelling.
    static func isFreeOptionName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }
}
