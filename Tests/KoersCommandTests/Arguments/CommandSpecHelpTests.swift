import Testing

import KoersCommand

@Suite struct CommandSpecHelpTests {
    static let initSpec = CommandSpec(
        name: "init",
        abstract: "Create a new replica in DIR.",
        discussion: "The directory must not exist yet.\n\nEach replica needs a unique id.",
        positionals: [.init("DIR", help: "Where to create the replica.")],
        options: [
            .init("replica", valueName: "ID", help: "This replica's id.", isRequired: true),
            .init("owner", valueName: "OWNER", help: "Who owns the books.", isRequired: true),
        ]
    )

    @Test func usageLineShowsRequiredBareAndOptionalBracketed() {
        #expect(Self.initSpec.usageLine == "usage: koers init DIR --replica ID --owner OWNER [--store DIR] [--json]")
    }

    @Test func usageLineMarksOptionalPositionalsRepeatablesAndFreeOptions() {
        let spec = CommandSpec(
            name: "remote add", abstract: "Add a remote.",
            positionals: [.init("NAME", help: "n"), .init("URL", help: "u", isOptional: true)],
            options: [.init("tag", valueName: "TAG", help: "t", isRepeatable: true), .init("force", help: "f")],
            acceptsFreeOptions: true)
        #expect(
            spec.usageLine
                == "usage: koers remote add NAME [URL] [--tag TAG]... [--force] [--store DIR] [--json] [--FIELD VALUE]...")
    }

    @Test func helpTextIsExact() {
        #expect(
            Self.initSpec.helpText == """
                Create a new replica in DIR.

                usage: koers init DIR --replica ID --owner OWNER [--store DIR] [--json]

                arguments:
                  DIR            Where to create the replica.

                options:
                  --replica ID   This replica's id. (required)
                  --owner OWNER  Who owns the books. (required)
                  --store DIR    Use the replica store in DIR instead of the current directory.
                  --json         Print machine-readable JSON instead of text.
                  -h, --help     Show this help.

                The directory must not exist yet.

                Each replica needs a unique id.
                """)
    }

    @Test func helpTextMentionsEveryPositionalAndOption() {
        let spec = CommandSpec(
            name: "record", abstract: "Record an event.",
            positionals: [.init("TYPE", help: "The event type.")],
            options: [.init("effective", valueName: "DATE", help: "When it takes effect.", isRepeatable: true)],
            acceptsFreeOptions: true)
        let help = spec.helpText
        #expect(help.contains(spec.usageLine))
        for positional in spec.positionals {
            #expect(help.contains(positional.name))
            #expect(help.contains(positional.help))
        }
        for option in spec.allOptions {
            #expect(help.contains("--" + option.name))
            #expect(help.contains(option.help))
        }
        #expect(help.contains("--effective DATE"))
        #expect(help.contains("(repeatable)"))
        #expect(help.contains("--FIELD VALUE"))
        #expect(!help.contains("arguments:\n\n"))
        #expect(help.split(separator: "\n").allSatisfy { $0.last != " " })
    }

    @Test func helpTextWithoutPositionalsOrDiscussionHasNoEmptySections() {
        let spec = CommandSpec(name: "status", abstract: "Show the replica's state.")
        #expect(
            spec.helpText == """
                Show the replica's state.

                usage: koers status [--store DIR] [--json]

                options:
                  --store DIR  Use the replica store in DIR instead of the current directory.
                  --json       Print machine-readable JSON instead of text.
                  -h, --help   Show this help.
                """)
    }

    @Test func errorTextHasMessageUsageAndPointerToHelp() {
        #expect(
            Self.initSpec.errorText(for: .missingArgument("DIR")) == """
                error: missing argument DIR
                usage: koers init DIR --replica ID --owner OWNER [--store DIR] [--json]
                see 'koers init --help'
                """)
    }
}
