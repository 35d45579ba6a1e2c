import EventLog

/// `koers key show`: the replica's public key.
enum KeyCommand: Subcommand {
    static let spec = CommandSpec(
        name: "key",
        abstract: "Show the replica's public key (the secret key never leaves key.secret).",
        discussion: """
            Every replica gets an Ed25519 key pair at 'koers init'. The secret seed is kept in \
            key.secret, readable by its owner only; it is never printed, synced or bundled.
            """,
        positionals: [.init("ACTION", help: "show")])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let action = arguments.positional("ACTION")!
        guard action == "show" else {
            throw UsageError.invalidValue(option: "ACTION", value: action, reason: "expected show")
        }
        let replica = try context.openReplica(arguments)
        let key = try replica.publicKey()
        if arguments.flag("json") {
            context.printJSON(.object([("replica", .string(replica.identity.replica)), ("publicKey", .string(key))]))
        } else {
            context.console.out(key + "\n")
        }
        return 0
    }
}
