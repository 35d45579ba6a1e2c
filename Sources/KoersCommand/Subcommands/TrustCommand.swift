import EventLog

/// `koers trust add|remove|list`: the root keys this replica trusts.
enum TrustCommand: Subcommand {
    static let spec = CommandSpec(
        name: "trust",
        abstract: "The root keys this replica trusts: add NAME KEY, remove NAME, list.",
        discussion: """
            Events signed by a root key count as the programme office's; every other replica's key \
            is vouched for by a replica-enrolled event signed with a root key. Trust is local: it is \
            never synced; 'koers init --from' copies it into a new replica. A programme starts with \
            its first programme office trusting its own key ('koers key show').
            """,
        positionals: [
            .init("ACTION", help: "add, remove or list."),
            .init("NAME", help: "A name for the key's holder, e.g. 'archive' or 'bureau-2026'.", isOptional: true),
            .init("KEY", help: "The public key: 64 lowercase hex digits, as 'koers key show' prints it.", isOptional: true),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        var keys = try replica.trustedKeys()
        let action = arguments.positional("ACTION")!
        let name = arguments.positional("NAME")
        let key = arguments.positional("KEY")
        switch action {
        case "add":
            guard let name else { throw UsageError.missingArgument("NAME") }
            guard let key else { throw UsageError.missingArgument("KEY") }
            guard Identifier.isValid(name) else { throw EventLogError.invalidIdentifier(field: "NAME", value: name) }
            guard EventSignature.isPublicKey(key) else {
                throw UsageError.invalidValue(option: "KEY", value: key, reason: "a public key is 64 lowercase hex digits")
            }
            if let existing = keys.first(where: { $0.name == name || $0.publicKey == key }) {
                throw CommandFailure(text: "error: already trusted: '\(existing.name)' \(existing.publicKey)\n")
            }
            keys.append(TrustedKey(name: name, publicKey: key))
            try replica.write { _ in try replica.setTrustedKeys(keys) }
            if !arguments.flag("json") { context.console.out("trusting '\(name)' \(key)\n") }
        case "remove":
            guard let name else { throw UsageError.missingArgument("NAME") }
            if let key { throw UsageError.unexpectedArgument(key) }
            guard keys.contains(where: { $0.name == name }) else { throw CommandFailure(text: "error: no trusted key named '\(name)'\n") }
            keys.removeAll { $0.name == name }
            try replica.write { _ in try replica.setTrustedKeys(keys) }
            if !arguments.flag("json") { context.console.out("no longer trusting '\(name)'\n") }
        case "list":
            if let name { throw UsageError.unexpectedArgument(name) }
            if !arguments.flag("json") {
                var table = TextTable(columns: [.init("name"), .init("key")])
                for trusted in keys { table.append([trusted.name, trusted.publicKey]) }
                context.console.out(keys.isEmpty ? "no trusted keys: add one with 'koers trust add NAME KEY'\n" : table.rendered + "\n")
            }
        default:
            throw UsageError.invalidValue(option: "ACTION", value: action, reason: "expected add, remove or list")
        }
        if arguments.flag("json") {
            context.printJSON(.object([("trusted", .array(keys.map { .object([("name", .string($0.name)), ("key", .string($0.publicKey))]) }))]))
        }
        return 0
    }
}
