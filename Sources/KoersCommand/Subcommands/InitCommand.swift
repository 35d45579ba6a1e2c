import EventLog
import PeerSync

/// `koers init DIR --replica ID --owner OWNER`: creates an empty replica.
enum InitCommand: Subcommand {
    static let spec = CommandSpec(
        name: "init",
        abstract: "Create a new, empty replica in a directory.",
        discussion: """
            The replica id is the origin of every event this replica records; the owner is the \
            organisation it records for (a municipality, menzis, provincie-overijssel, samentwente …). \
            Both are identifiers: lowercase letters, digits and '-'. Every replica gets its own \
            Ed25519 key pair ('koers key show' prints the public key, for the programme office to \
            enrol). With --from, the new replica trusts the root keys of an existing replica \
            directory and takes its events (one sync round, pull only).
            """,
        positionals: [.init("DIR", help: "Directory to create (must not exist, or be empty).")],
        options: [
            .init("replica", valueName: "ID", help: "Id of this replica, e.g. 'enschede' or 'programmabureau'.", isRequired: true),
            .init("owner", valueName: "OWNER", help: "Owner organisation this replica records for.", isRequired: true),
            .init("from", valueName: "SOURCE", help: "A replica directory to inherit trusted keys and events from."),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let directory = arguments.positional("DIR")!
        // The source is read before anything is created, so a wrong --from leaves nothing behind.
        let source = try arguments.value("from").map { path throws in (path, try Replica.open(at: path).trustedKeys()) }
        let replica = try Replica.create(
            at: directory, replica: arguments.value("replica")!, owner: arguments.value("owner")!)
        let publicKey = try replica.publicKey()
        let trusted = source?.1 ?? []
        var pulled = 0
        if let (path, trusted) = source {
            try replica.setTrustedKeys(trusted)
            pulled = try DirectoryTransport.sync(replica, with: path, direction: .pull, progress: nil).received.values.reduce(0, +)
        }
        if arguments.flag("json") {
            context.printJSON(.object([
                ("directory", .string(directory)), ("replica", .string(replica.identity.replica)),
                ("owner", .string(replica.identity.owner)), ("publicKey", .string(publicKey)),
                ("trusted", .array(trusted.map { .string($0.name) })), ("events", .integer(Int64(pulled))),
            ]))
        } else {
            context.console.out("created replica '\(replica.identity.replica)' of owner '\(replica.identity.owner)' in \(directory)\n")
            context.console.out("  public key \(publicKey)\n")
            if let (path, _) = source {
                context.console.out("  from \(path): trusting \(trusted.isEmpty ? "no keys" : trusted.map(\.name).joined(separator: ", ")); \(pulled) events\n")
            }
        }
        return 0
    }
}
