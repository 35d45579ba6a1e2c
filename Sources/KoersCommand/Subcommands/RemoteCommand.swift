import EventLog
import PeerSync

/// `koers remote add|remove|list`: named peers for `koers sync`.
enum RemoteCommand: Subcommand {
    static let spec = CommandSpec(
        name: "remote",
        abstract: "Name the peers to sync with: add NAME URL, remove NAME, list.",
        positionals: [
            .init("ACTION", help: "add, remove or list."),
            .init("NAME", help: "The remote's name.", isOptional: true),
            .init("URL", help: "A replica directory or an ssh:// URL.", isOptional: true),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let replica = try context.openReplica(arguments)
        var remotes = try Remotes.load(replica)
        let action = arguments.positional("ACTION")!
        let name = arguments.positional("NAME")
        let url = arguments.positional("URL")
        switch action {
        case "add":
            guard let name else { throw UsageError.missingArgument("NAME") }
            guard let url else { throw UsageError.missingArgument("URL") }
            try remotes.add(name: name, url: url)
            try replica.write { _ in try remotes.save(replica) }
            if !arguments.flag("json") { context.console.out("added remote '\(name)' → \(url)\n") }
        case "remove":
            guard let name else { throw UsageError.missingArgument("NAME") }
            if let url { throw UsageError.unexpectedArgument(url) }
            try remotes.remove(name: name)
            try replica.write { _ in try remotes.save(replica) }
            if !arguments.flag("json") { context.console.out("removed remote '\(name)'\n") }
        case "list":
            if let name { throw UsageError.unexpectedArgument(name) }
            if !arguments.flag("json") {
                var table = TextTable(columns: [.init("remote"), .init("url")])
                for remote in remotes.sortedNames { table.append([remote, remotes.entries[remote]!]) }
                context.console.out(remotes.entries.isEmpty ? "no remotes\n" : table.rendered + "\n")
            }
        default:
            throw UsageError.invalidValue(option: "ACTION", value: action, reason: "expected add, remove or list")
        }
        if arguments.flag("json") {
            context.printJSON(.object([("remotes", .object(remotes.entries.map { ($0.key, .string($0.value)) }))]))
        }
        return 0
    }
}
