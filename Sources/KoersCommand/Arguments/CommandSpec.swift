/// The declared shape of one subcommand's arguments: used both to parse and to print `--help`.
///
/// The global options (`--store`, `--json`, `--help`) are not listed in `options`;
/// they are merged in by ``allOptions`` so every command accepts and documents them.
package struct CommandSpec: Sendable {
    /// One positional argument, filled in the order declared.
    package struct Positional: Sendable, Equatable {
        /// The placeholder shown in usage and help, e.g. `DIR`; also the key for ``ParsedArguments/positional(_:)``.
        package var name: String
        package var help: String
        /// Optional positionals must come after every required one, since they are filled left to right.
        package var isOptional: Bool

        package init(_ name: String, help: String, isOptional: Bool = false) {
            self.name = name
            self.help = help
            self.isOptional = isOptional
        }
    }

    /// One `--name` option: a flag when `valueName` is nil, otherwise an option taking one value.
    package struct Option: Sendable, Equatable {
        /// The long name without dashes, e.g. `store` for `--store`.
        package var name: String
        /// The placeholder for the value, e.g. `DIR`; nil makes the option a flag.
        package var valueName: String?
        package var help: String
        /// Whether the command refuses to run without it; only meaningful for options taking a value.
        package var isRequired: Bool
        /// Whether giving it more than once is meant; every occurrence is kept either way.
        package var isRepeatable: Bool
        /// A one-letter alias such as `h` for `-h`; short options never take values.
        package var shortName: Character?

        package init(
            _ name: String,
            valueName: String? = nil,
            help: String,
            isRequired: Bool = false,
            isRepeatable: Bool = false,
            shortName: Character? = nil
        ) {
            self.name = name
            self.valueName = valueName
            self.help = help
            self.isRequired = isRequired
            self.isRepeatable = isRepeatable
            self.shortName = shortName
        }

        package var takesValue: Bool { valueName != nil }
    }

    /// The words after `koers`, e.g. `init`, or `remote add` for a nested command.
    package var name: String
    /// One line saying what the command does.
    package var abstract: String
    /// Longer prose for `--help`, printed as given after the option list.
    package var discussion: String?
    package var positionals: [Positional]
    /// The command's own options; see ``allOptions`` for what it actually accepts.
    package var options: [Option]
    /// Whether unknown `--name VALUE` pairs are collected as ``ParsedArguments/freeOptions`` instead of refused.
    package var acceptsFreeOptions: Bool

    package init(
        name: String,
        abstract: String,
        discussion: String? = nil,
        positionals: [Positional] = [],
        options: [Option] = [],
        acceptsFreeOptions: Bool = false
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.positionals = positionals
        self.options = options
        self.acceptsFreeOptions = acceptsFreeOptions
    }

    /// The options every command accepts, declared once so no command can forget them.
    package static let globalOptions: [Option] = [
        Option("store", valueName: "DIR", help: "Use the replica store in DIR instead of the current directory."),
        Option("json", help: "Print machine-readable JSON instead of text."),
        Option("help", help: "Show this help.", shortName: "h"),
    ]

    /// The command's own options followed by the global ones it does not redeclare.
    ///
    /// A command may redeclare a global option to give it command-specific help text.
    package var allOptions: [Option] {
        let own = Set(options.map(\.name))
        return options + Self.globalOptions.filter { !own.contains($0.name) }
    }

    /// Whether the arguments ask for help, looking no further than a `--` that ends the options.
    ///
    /// The caller checks this before ``parse(_:)``, so `--help` works even when other arguments are wrong.
    package static func wantsHelp(_ arguments: [String]) -> Bool {
        for argument in arguments {
            if argument == "--" { return false }
            if argument == "-h" || argument == "--help" { return true }
        }
        return false
    }
}
