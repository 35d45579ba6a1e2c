import EventLog
import PeerSync
import Programme

/// `koers sync [TARGET]`: one sync round with another replica, a command, or every remote.
enum SyncCommand: Subcommand {
    static let spec = CommandSpec(
        name: "sync",
        abstract: "Exchange events with another replica (directory, ssh:// URL, remote name, or --exec COMMAND).",
        discussion: """
            Each side sends exactly the events the other lacks, causes first; every event is \
            verified (hash, chain, seq, clock) before it is appended durably, and so is the signature \
            of the newest event of each origin in every batch, which vouches for the events chained \
            before it. A peer whose history of an origin differs from ours (a fork) is refused and \
            nothing is taken; if both differing events are signed by the origin's key, the pair is \
            kept as evidence of equivocation (see 'koers problems'). A round cut \
            off keeps what arrived; the next round continues. With no TARGET, syncs with every \
            remote in turn. TARGET may be a replica directory (its lock is taken while writing), \
            ssh://[user@]host[:port]/path (runs 'koers serve --stdio' there; KOERS_SSH replaces \
            'ssh'), or the name of a remote.
            """,
        positionals: [.init("TARGET", help: "A replica directory, an ssh:// URL, or a remote's name.", isOptional: true)],
        options: [
            .init("pull", help: "Only take events from the peer."),
            .init("push", help: "Only give events to the peer."),
            .init("exec", valueName: "COMMAND", help: "Sync with a shell command that speaks the protocol, e.g. 'koers serve --stdio --store X'."),
        ])

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        if arguments.flag("pull") && arguments.flag("push") {
            throw UsageError.invalidValue(option: "--pull", value: "--push", reason: "give at most one of --pull and --push")
        }
        let direction: Hello.Direction = arguments.flag("pull") ? .pull : arguments.flag("push") ? .push : .both
        let replica = try context.openReplica(arguments)
        var targets: [(label: String, url: String)] = []
        if let command = arguments.value("exec") {
            if arguments.positional("TARGET") != nil {
                throw UsageError.unexpectedArgument(arguments.positional("TARGET")!)
            }
            targets = [("exec", "exec:" + command)]
        } else if let target = arguments.positional("TARGET") {
            let remotes = try Remotes.load(replica)
            targets = [(target, remotes.entries[target] ?? target)]
        } else {
            let remotes = try Remotes.load(replica)
            guard !remotes.entries.isEmpty else {
                throw CommandFailure(text: "error: no TARGET given and no remotes set; add one with 'koers remote add NAME URL'\n")
            }
            targets = remotes.sortedNames.map { ($0, remotes.entries[$0]!) }
        }
        var rounds: [JSONValue] = []
        var failed = false
        for target in targets {
            do {
                let outcome = try round(replica, target.url, direction, context)
                rounds.append(outcome.json(target: target.label))
                if !arguments.flag("json") { context.console.out(outcome.text(target: target.label)) }
            } catch {
                failed = true
                if targets.count == 1 && !arguments.flag("json") { throw error }
                context.console.err("error: sync with \(target.label): \(error)\n")
                rounds.append(.object([("target", .string(target.label)), ("error", .string("\(error)"))]))
            }
        }
        if arguments.flag("json") { context.printJSON(.object([("rounds", .array(rounds))])) }
        return failed ? 1 : 0
    }

    struct Outcome {
        var report: SyncRound.Report
        var newConflicts: Int

        func json(target: String) -> JSONValue {
            func counts(_ c: [String: Int]) -> JSONValue {
                .object(c.map { ($0.key, .integer(Int64($0.value))) })
            }
            func vector(_ v: VersionVector) -> JSONValue { .object(v.entries.map { ($0.origin, .integer(Int64($0.seq))) }) }
            return .object([
                ("target", .string(target)), ("peer", .string(report.peer)), ("sent", counts(report.sent)),
                ("received", counts(report.received)), ("newConflicts", .integer(Int64(newConflicts))),
                ("before", vector(report.vectorBefore)), ("after", vector(report.vectorAfter)),
                ("bytesSent", .integer(Int64(report.bytesSent))), ("bytesReceived", .integer(Int64(report.bytesReceived))),
            ])
        }

        func text(target: String) -> String {
            func list(_ c: [String: Int]) -> String {
                let total = c.values.reduce(0, +)
                guard total > 0 else { return "0" }
                let parts = c.keys.sorted { $0.bytesPrecede($1) }.map { "\($0) \(c[$0]!)" }
                return "\(total) (\(parts.joined(separator: ", ")))"
            }
            var text = "synced with \(report.peer) via \(target): sent \(list(report.sent)), received \(list(report.received))"
            text += newConflicts > 0 ? "; \(newConflicts) new conflict\(newConflicts == 1 ? "" : "s"): see 'koers conflicts'\n" : "\n"
            text += "  before  \(report.vectorBefore.description.isEmpty ? "(empty)" : report.vectorBefore.description)\n"
            text += "  after   \(report.vectorAfter.description.isEmpty ? "(empty)" : report.vectorAfter.description)\n"
            text += "  wire    \(report.bytesSent) bytes sent, \(report.bytesReceived) received\n"
            return text
        }
    }

    static func round(_ replica: Replica, _ url: String, _ direction: Hello.Direction, _ context: CommandContext) throws -> Outcome {
        let progress: SyncRound.Progress? = context.console.isInteractive
            ? { received, expected in context.console.err("\rreceived \(received)/\(expected) events") } : nil
        // The state that counts the new conflicts is folded while the events arrive (see `FoldAlong`), starting
        // at the first batch, so that a round that receives nothing reads no snapshot.
        let before = try replica.versionVector()
        var follower: FoldAlong?
        let appended: SyncRound.Appended = { events, lines in
            if follower == nil { follower = FoldAlong(replica: replica, before: before) }
            follower?.add(events, lines: lines)
        }
        let report: SyncRound.Report
        do {
            if url.hasPrefix("exec:") {
                report = try ProcessTransport.sync(
                    replica, command: String(url.dropFirst(5)), direction: direction, progress: progress, appended: appended)
            } else if url.hasPrefix("ssh://") {
                let command = try ProcessTransport.sshCommand(for: url, environment: context.environment)
                report = try ProcessTransport.sync(replica, command: command, direction: direction, progress: progress, appended: appended)
            } else {
                report = try DirectoryTransport.sync(replica, with: url, direction: direction, progress: progress, appended: appended)
            }
        } catch {
            _ = follower?.finish()
            throw error
        }
        if progress != nil && !report.received.isEmpty { context.console.err("\n") }
        let followed = follower?.finish()
        let newConflicts = report.received.isEmpty ? 0 : conflictsInvolving(report, try followed ?? ProgrammeHistory.state(of: replica))
        return Outcome(report: report, newConflicts: newConflicts)
    }

    /// Conflicts in which a received event is one of the sides: those are the ones this round brought.
    static func conflictsInvolving(_ report: SyncRound.Report, _ state: ProgrammeState) -> Int {
        state.conflicts.filter { conflict in
            conflict.register.writes.contains { $0.ref.seq > report.vectorBefore[$0.ref.origin] }
        }.count
    }
}
