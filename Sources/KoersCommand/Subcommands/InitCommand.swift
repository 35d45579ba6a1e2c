import EventLog

/// `koers init DIR --replica ID --owner OWNER`: creates an empty replica.
enum InitCommand: Subcommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create a new, empty replica in a directory.",
        discussion: """
            The replica id is the origin of every event this replica records; the owner is the \
            organisation it records for (a municipality, menzis, provincie-overijssel, samentwente …). \
            Both are identifiers: lowercase letters, digits and '-'.
            """,
        positionals: [.init("DIR", help: "Directory to create (must not exist, or be empty).")],
        options: [
            .init("replica", valueName: "ID", help: "Id of this replica, e.g. 'enschede' or 'programmabureau'.", isRequired: true),
            .init("owner", valueName: "OWNER", help: "Owner organisation this replica records for.", isRequired: true),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let directory = arguments.positional("DIR")!
        let replica = try Replica.create(
            at: directory, replica: arguments.value("replica")!, owner: arguments.value("owner")!)
        if arguments.flag("json") {
            context.printJSON(.object([
                ("directory", .string(directory)), ("replica", .string(replica.identity.replica)),
                ("owner", .string(replica.identity.owner)),
            ]))
        } else {
            context.console.out("created replica '\(replica.identity.replica)' of owner '\(replica.identity.owner)' in \(directory)\n")
        }
        return 0
    }
}
