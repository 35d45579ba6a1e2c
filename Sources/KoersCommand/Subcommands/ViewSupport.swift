import EventLog
import Programme

/// What every view command shares: the time-travel options and computing the state they choose.
enum ViewSupport {
    static let timeTravelOptions: [CommandSpec.Option] = [
        .init("at", valueName: "DATE", help: "The world as it was on this date (effective dates up to DATE)."),
        .init("known-at", valueName: "TIME", help: "Only what the log held at TIME (a date means the end of that day, UTC)."),
        .init("upto", valueName: "VECTOR", help: "Only events up to a frontier such as 'programmabureau:120,menzis:14'."),
    ]

    static let discussion = """
        Time travel: --at DATE shows facts in effect on DATE; --known-at TIME shows only what had \
        been recorded by TIME; both together answer "what did we know then about that day". \
        --upto VECTOR rewinds to a frontier that anyone can reproduce. \
        A value marked '*' is in conflict: see 'koers conflicts'.
        """

    /// Reads the time-travel options into a cut.
    static func cut(_ arguments: ParsedArguments) throws -> Cut {
        var cut = Cut()
        if let text = arguments.value("at") {
            guard let date = LocalDate(parsing: text) else {
                throw UsageError.invalidValue(option: "--at", value: text, reason: "expected a date YYYY-MM-DD")
            }
            cut.at = date
        }
        if let text = arguments.value("known-at") {
            guard let millis = Cut.parseInstant(text) else {
                throw UsageError.invalidValue(option: "--known-at", value: text, reason: "expected a date YYYY-MM-DD or an instant such as 2025-04-20T10:00:00Z")
            }
            cut.knownAtMillis = millis
        }
        if let text = arguments.value("upto") {
            do { cut.upto = try VersionVector(parsing: text) } catch {
                throw UsageError.invalidValue(option: "--upto", value: text, reason: "\(error)")
            }
        }
        return cut
    }

    /// The programme's state at the cut the options choose; a view that reads no more than the state's core says `.core`.
    static func state(
        _ arguments: ParsedArguments, _ context: CommandContext, trackingHistoryOf projects: Set<String> = [],
        scope: ProgrammeState.Scope = .whole
    ) throws -> ProgrammeState {
        let replica = try context.openReplica(arguments)
        let cut = try cut(arguments)
        do {
            let state = try ProgrammeHistory.state(of: replica, cut: cut, trackingHistoryOf: projects, scope: scope)
            context.keepUntilExit(state)
            return state
        } catch let error as OpenFrontierError {
            throw UsageError.invalidValue(option: "--upto", value: arguments.value("upto") ?? "", reason: error.description)
        }
    }

    /// Runs a view command: the state at the chosen cut, its JSON view, printed as JSON with `--json`, else as `text` renders it.
    static func show(
        _ arguments: ParsedArguments, _ context: CommandContext, trackingHistoryOf projects: Set<String> = [],
        scope: ProgrammeState.Scope = .whole, view: (ProgrammeState) throws -> JSONValue, text: (JSONValue, ProgrammeState) -> String
    ) throws -> Int32 {
        let state = try state(arguments, context, trackingHistoryOf: projects, scope: scope)
        let value = try view(state)
        if arguments.flag("json") {
            context.printJSON(value)
        } else {
            context.console.out(text(value, state))
        }
        return 0
    }

    /// A view command's spec: its own options plus time travel.
    static func spec(
        name: String, abstract: String, positionals: [CommandSpec.Positional] = [], options: [CommandSpec.Option] = []
    ) -> CommandSpec {
        CommandSpec(
            name: name, abstract: abstract, discussion: discussion, positionals: positionals,
            options: options + timeTravelOptions)
    }

    /// A text value with the conflict mark when its register disagrees.
    static func marked(_ register: Register?) -> String {
        guard let register else { return "" }
        let text: String
        switch register.value {
        case .string(let s): text = s
        case .null: text = ""
        case let other: text = other.canonicalString
        }
        return register.isConflicted ? text + " *" : text
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s)?: s
        case .null?, nil: ""
        case let other?: other.canonicalString
        }
    }
}
