import Testing

import KoersCommand

@Suite struct CommandSpecParsingTests {
    static let initSpec = CommandSpec(
        name: "init",
        abstract: "Create a new replica in DIR.",
        positionals: [.init("DIR", help: "Where to create the replica.")],
        options: [
            .init("replica", valueName: "ID", help: "This replica's id.", isRequired: true),
            .init("owner", valueName: "OWNER", help: "Who owns the books.", isRequired: true),
        ]
    )

    static let logSpec = CommandSpec(
        name: "log",
        abstract: "List events.",
        positionals: [.init("FROM", help: "First event.", isOptional: true)],
        options: [
            .init("origin", valueName: "ID", help: "Only events from this replica.", isRepeatable: true),
            .init("reverse", help: "Newest first."),
        ]
    )

    static let recordSpec = CommandSpec(
        name: "record",
        abstract: "Record an event.",
        positionals: [.init("TYPE", help: "The event type.")],
        options: [.init("effective", valueName: "DATE", help: "When it takes effect.")],
        acceptsFreeOptions: true
    )

    @Test func parsesPositionalsValuesAndFlags() throws {
        let parsed = try Self.initSpec.parse(["books", "--replica", "r1", "--owner=Anna", "--json"])
        #expect(parsed.positional("DIR") == "books")
        #expect(parsed.value("replica") == "r1")
        #expect(parsed.value("owner") == "Anna")
        #expect(parsed.flag("json"))
        #expect(!parsed.flag("help"))
        #expect(parsed.value("store") == nil)
        #expect(parsed.freeOptions.isEmpty)
    }

    @Test func optionsAndPositionalsMayInterleave() throws {
        let parsed = try Self.initSpec.parse(["--replica", "r1", "books", "--store", "/tmp/s", "--owner", "Anna"])
        #expect(parsed.positional("DIR") == "books")
        #expect(parsed.value("store") == "/tmp/s")
    }

    @Test func repeatedOptionKeepsEveryValueAndValueIsTheLast() throws {
        let parsed = try Self.logSpec.parse(["--origin", "a", "--origin=b", "--origin", "c"])
        #expect(parsed.values("origin") == ["a", "b", "c"])
        #expect(parsed.value("origin") == "c")
        #expect(parsed.values("store") == [])
    }

    @Test func optionalPositionalMayBeLeftOut() throws {
        #expect(try Self.logSpec.parse([]).positional("FROM") == nil)
        #expect(try Self.logSpec.parse(["e7"]).positional("FROM") == "e7")
    }

    @Test(arguments: ["-5000", "--json", "-", "--", "a=b", ""])
    func optionTakesTheNextArgumentVerbatim(value: String) throws {
        let parsed = try Self.logSpec.parse(["--origin", value])
        #expect(parsed.values("origin") == [value])
    }

    @Test func equalsValueMayContainEqualsAndBeEmpty() throws {
        #expect(try Self.logSpec.parse(["--origin=a=b"]).value("origin") == "a=b")
        #expect(try Self.logSpec.parse(["--origin="]).value("origin") == "")
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try Self.recordSpec.parse(["--", "--weird"])
        #expect(parsed.positional("TYPE") == "--weird")
        #expect(parsed.freeOptions.isEmpty)
    }

    @Test func loneDashIsAPositional() throws {
        #expect(try Self.logSpec.parse(["-"]).positional("FROM") == "-")
    }

    @Test func shortHelpSetsTheHelpFlag() throws {
        #expect(try Self.logSpec.parse(["-h"]).flag("help"))
        #expect(try Self.logSpec.parse(["--help"]).flag("help"))
    }

    @Test func collectsFreeOptionsInOrder() throws {
        let parsed = try Self.recordSpec.parse([
            "payment", "--amount", "12.50", "--effective", "2025-01-02", "--delta", "-5000", "--note=a b", "--amount", "3",
        ])
        #expect(parsed.positional("TYPE") == "payment")
        #expect(parsed.value("effective") == "2025-01-02")
        #expect(
            parsed.freeOptions == [
                .init(name: "amount", value: "12.50"),
                .init(name: "delta", value: "-5000"),
                .init(name: "note", value: "a b"),
                .init(name: "amount", value: "3"),
            ])
    }

    @Test func declaredGlobalsAreNotFreeOptions() throws {
        let parsed = try Self.recordSpec.parse(["note", "--json", "--store", "s", "--x1-y", "v"])
        #expect(parsed.flag("json"))
        #expect(parsed.value("store") == "s")
        #expect(parsed.freeOptions == [.init(name: "x1-y", value: "v")])
    }

    @Test func commandMayRedeclareAGlobalOption() throws {
        let spec = CommandSpec(
            name: "export", abstract: "Export.",
            options: [.init("json", help: "Export as JSON lines.")])
        #expect(spec.allOptions.filter { $0.name == "json" }.map(\.help) == ["Export as JSON lines."])
        #expect(try spec.parse(["--json"]).flag("json"))
    }

    @Test(arguments: [
        (CommandSpecParsingTests.logSpec, ["--bogus"], UsageError.unknownOption("--bogus")),
        (CommandSpecParsingTests.logSpec, ["--bogus=1"], .unknownOption("--bogus")),
        (CommandSpecParsingTests.logSpec, ["-x"], .unknownOption("-x")),
        (CommandSpecParsingTests.logSpec, ["-hh"], .unknownOption("-hh")),
        (CommandSpecParsingTests.logSpec, ["---"], .unknownOption("---")),
        (CommandSpecParsingTests.logSpec, ["--origin"], .missingValue(option: "--origin")),
        (CommandSpecParsingTests.logSpec, ["--json=yes"], .unexpectedValue(option: "--json", value: "yes")),
        (CommandSpecParsingTests.logSpec, ["--reverse="], .unexpectedValue(option: "--reverse", value: "")),
        (CommandSpecParsingTests.logSpec, ["a", "b", "c"], .unexpectedArgument("b")),
        (CommandSpecParsingTests.logSpec, ["--", "a", "-b"], .unexpectedArgument("-b")),
        (CommandSpecParsingTests.initSpec, ["--replica", "r", "--owner", "o"], .missingArgument("DIR")),
        (CommandSpecParsingTests.initSpec, ["d", "--owner", "o"], .missingOption("--replica")),
        (CommandSpecParsingTests.initSpec, ["d", "--replica", "r"], .missingOption("--owner")),
        (CommandSpecParsingTests.recordSpec, ["t", "--amount"], .missingValue(option: "--amount")),
        (CommandSpecParsingTests.recordSpec, ["t", "--Amount", "1"], .invalidOptionName("--Amount")),
        (CommandSpecParsingTests.recordSpec, ["t", "--1st", "1"], .invalidOptionName("--1st")),
        (CommandSpecParsingTests.recordSpec, ["t", "--snake_case", "1"], .invalidOptionName("--snake_case")),
        (CommandSpecParsingTests.recordSpec, ["t", "--=1"], .invalidOptionName("--")),
        (CommandSpecParsingTests.recordSpec, ["t", "--café", "1"], .invalidOptionName("--café")),
        (CommandSpecParsingTests.recordSpec, ["t", "-a", "1"], .unknownOption("-a")),
        (CommandSpecParsingTests.recordSpec, [], .missingArgument("TYPE")),
    ])
    func refuses(spec: CommandSpec, arguments: [String], expected: UsageError) {
        #expect(throws: expected) { try spec.parse(arguments) }
    }

    @Test func optionErrorsComeBeforeArgumentCountErrors() {
        // The first wrong thing the user typed is reported, not a consequence of it.
        #expect(throws: UsageError.unknownOption("--nope")) { try Self.initSpec.parse(["--nope"]) }
    }

    @Test(arguments: [
        (["--help"], true),
        (["-h"], true),
        (["a", "--json", "-h"], true),
        (["--", "--help"], false),
        (["--helpful"], false),
        (["--help=1"], false),
        ([], false),
    ])
    func detectsHelp(arguments: [String], expected: Bool) {
        #expect(CommandSpec.wantsHelp(arguments) == expected)
    }
}
