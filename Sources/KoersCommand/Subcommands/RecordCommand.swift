import EventLog
import Programme

/// `koers record TYPE --FIELD VALUE …`: records one event of this replica, after checking the programme's rules.
enum RecordCommand: Subcommand {
    static let spec = CommandSpec(
        name: "record",
        abstract: "Record one event (a fact of the programme) as this replica's.",
        discussion: catalogueHelp,
        positionals: [.init("TYPE", help: "The event type, e.g. project-started.")],
        options: [
            .init("effective", valueName: "DATE", help: "The day the fact takes effect (default: today, UTC)."),
            .init("data", valueName: "JSON", help: "The data as one JSON object (members may also be given as --FIELD VALUE)."),
            .init("source-document", valueName: "FILE", help: "The document the fact comes from."),
            .init("source-quote", valueName: "TEXT", help: "A short quote from that document."),
        ],
        acceptsFreeOptions: true)

    static var catalogueHelp: String {
        var text = "Members are given as --FIELD VALUE with kebab-case names (deltaCents is --delta-cents); "
        text += "lists are comma-separated; amounts are whole cents. The event types:\n"
        for type in EventCatalogue.types {
            text += "\n  \(type.name): \(type.summary) (recorded by: \(type.recordedBy))\n"
            for member in type.members {
                text += "      --\(kebab(member.name))\(member.required ? " (required)" : "")  \(member.help)\n"
            }
        }
        text += "\nEvery type also takes --assumed true --assumed-reason TEXT, --planned true, and a source."
        return text
    }

    static func kebab(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let typeName = arguments.positional("TYPE")!
        guard let type = EventCatalogue.type(named: typeName) else {
            throw UsageError.invalidValue(option: "TYPE", value: typeName, reason: "unknown event type; see 'koers record --help'")
        }
        let replica = try context.openReplica(arguments)
        var data = JSONObject()
        if let json = arguments.value("data") {
            do {
                guard let object = try JSONValue(parsing: json).objectValue else {
                    throw UsageError.invalidValue(option: "--data", value: json, reason: "expected a JSON object")
                }
                data = object
            } catch let error as JSONError {
                throw UsageError.invalidValue(option: "--data", value: json, reason: error.description)
            }
        }
        let members = type.members + EventCatalogue.commonMembers
        for option in arguments.freeOptions {
            guard let member = members.first(where: { kebab($0.name) == option.name }), member.kind != .source else {
                throw UsageError.unknownOption("--" + option.name)
            }
            guard data[member.name] == nil else {
                throw UsageError.invalidValue(option: "--" + option.name, value: option.value, reason: "\(member.name) is given twice")
            }
            data[member.name] = try value(option.value, member.kind, option: "--" + option.name)
        }
        if let document = arguments.value("source-document") {
            var source: [(String, JSONValue)] = [("document", .string(document))]
            if let quote = arguments.value("source-quote") { source.append(("quote", .string(quote))) }
            data["source"] = .object(source)
        }
        let effective: LocalDate
        if let text = arguments.value("effective") {
            guard let date = LocalDate(parsing: text) else {
                throw UsageError.invalidValue(option: "--effective", value: text, reason: "expected a date YYYY-MM-DD")
            }
            effective = date
        } else {
            effective = try today(context)
        }
        let draft = EventDraft(type: typeName, effective: effective, data: data)
        let event = try Recording.record([.init(draft: draft, line: nil)], into: replica, context)[0]
        if arguments.flag("json") {
            context.console.out(String(decoding: event.line, as: UTF8.self) + "\n")
        } else {
            context.console.out("recorded \(event.origin):\(event.seq) \(event.type) effective \(event.effective)\n")
        }
        return 0
    }

    /// Converts a command-line value to the member's JSON kind; the rules check the rest.
    static func value(_ text: String, _ kind: EventCatalogue.Kind, option: String) throws -> JSONValue {
        switch kind {
        case .ids:
            return .array(text.split(separator: ",", omittingEmptySubsequences: false).map { .string(String($0)) })
        case .integer, .cents:
            guard let number = Int64(text), abs(number) <= JSONValue.maxExactInteger else {
                throw UsageError.invalidValue(option: option, value: text, reason: kind == .cents ? "expected whole cents, e.g. 15000000 for EUR 150,000" : "expected a whole number")
            }
            return .integer(number)
        case .bool:
            guard text == "true" || text == "false" else {
                throw UsageError.invalidValue(option: option, value: text, reason: "expected true or false")
            }
            return .bool(text == "true")
        default:
            return .string(text)
        }
    }

    static func today(_ context: CommandContext) throws -> LocalDate {
        LocalDate(utcDayOf: try context.wallMillis())
    }
}
