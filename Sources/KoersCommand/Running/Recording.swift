import EventLog
import Programme

/// Recording new events of this replica: the rules are checked against the current state before anything is written.
enum Recording {
    /// One event to record and the line it came from, for messages (nil for the command line).
    struct Item {
        var draft: EventDraft
        var line: Int?
    }

    /// Authors the items as this replica's events, checks each against the state (each seeing those before it),
    /// and appends them in one durable batch; if any breaks a rule, nothing is written and every violation is reported.
    static func record(_ items: [Item], into replica: Replica, _ context: CommandContext, file: String? = nil) throws -> [Event] {
        func message(_ item: Item, _ text: String) -> String {
            if let file, let line = item.line { return "\(file):\(line): error: \(text)" }
            return "error: \(text)"
        }
        let wall = try context.wallMillis()
        let owner = replica.identity.owner
        var drafts: [EventDraft] = []
        var errors: [String] = []
        for item in items {
            var draft = item.draft
            if let claimed = draft.data["recordedBy"], claimed != .string(owner) {
                errors.append(message(item, "data.recordedBy: \(claimed.canonicalString) is not this replica's owner '\(owner)' [rule: authorisation]"))
            }
            draft.data["recordedBy"] = .string(owner)
            drafts.append(draft)
        }
        guard errors.isEmpty else { throw CommandFailure(text: errors.joined(separator: "\n") + "\nnothing recorded\n") }
        return try replica.write { writer in
            context.report(writer.recovered)
            var state = try ProgrammeHistory.stateForRules(of: replica)
            // The rules are checked while the events are being hashed and signed, with the key that signs them.
            let batch = try writer.authorSigning(drafts, wallMillis: wall)
            let signer = batch.signerKey
            // By index: `for event in` copies every event (a retain per member) in this hot loop.
            for index in items.indices {
                if let violation = state.apply(batch.unhashedEvents[index], signedBy: signer) {
                    errors.append(message(items[index], "\(batch.unhashedEvents[index].type): \(violation)"))
                    if errors.count >= 20 { break }
                }
            }
            let (events, lines) = batch.finish()
            guard errors.isEmpty else { throw CommandFailure(text: errors.joined(separator: "\n") + "\nnothing recorded\n") }
            try writer.append(events, lines: lines)
            context.keepUntilExit(lines)
            context.keepUntilExit(drafts)
            context.keepUntilExit(batch.unhashedEvents)
            context.keepUntilExit(state)
            return events
        }
    }

}
