/// The parsed arguments of one invocation, looked up by the names declared in its ``CommandSpec``.
package struct ParsedArguments: Sendable {
    /// One `--name VALUE` pair that the spec did not declare, kept for commands that accept free options.
    package struct FreeOption: Sendable, Equatable {
        /// The name without dashes, e.g. `amount` for `--amount`.
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private let flags: Set<String>
    private let valuesByName: [String: [String]]
    private let positionals: [String: String]
    /// The free options in the order given; repeats are kept.
    package let freeOptions: [FreeOption]

    // Kept only to catch a command asking for a name its spec never declared.
    private let declaredFlags: Set<String>
    private let declaredValueOptions: Set<String>
    private let declaredPositionals: Set<String>

    init(
        flags: Set<String>,
        values: [String: [String]],
        positionals: [String: String],
        freeOptions: [FreeOption],
        declaredFlags: Set<String>,
        declaredValueOptions: Set<String>,
        declaredPositionals: Set<String>
    ) {
        self.flags = flags
        self.valuesByName = values
        self.positionals = positionals
        self.freeOptions = freeOptions
        self.declaredFlags = declaredFlags
        self.declaredValueOptions = declaredValueOptions
        self.declaredPositionals = declaredPositionals
    }

    /// Whether the flag `--name` was given.
    package func flag(_ name: String) -> Bool {
        assert(declaredFlags.contains(name), "'\(name)' is not a declared flag")
        return flags.contains(name)
    }

    /// The value of `--name`, the last one if it was given more than once.
    package func value(_ name: String) -> String? {
        values(name).last
    }

    /// Every value of `--name` in the order given, for repeatable options.
    package func values(_ name: String) -> [String] {
        assert(declaredValueOptions.contains(name), "'\(name)' is not a declared option taking a value")
        return valuesByName[name] ?? []
    }

    /// The value of the positional declared as `name`, nil when an optional one was left out.
    package func positional(_ name: String) -> String? {
        assert(declaredPositionals.contains(name), "'\(name)' is not a declared positional")
        return positionals[name]
    }
}
