import EventLog

extension ProgrammeState {
    /// The fields of a project, each kept as a register.
    static let projectFieldNames = ["name", "theme", "status", "lead", "description"]

    /// Applies an event that passed every rule; `tag` is its type and `ref` its ref.
    mutating func fold(_ event: Event, _ tag: EventCatalogue.Tag, _ ref: EventRef) {
        let data = event.data
        func text(_ name: String) -> String? { data[name]?.stringValue }
        func list(_ name: String) -> [String] { data[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func integer(_ name: String) -> Int64? { data[name]?.integerValue }

        switch tag {
        case .ownerJoined:
            owners[text("owner")!] = Owner(id: text("owner")!, name: text("name")!, kind: text("kind")!, ref: ref)
        case .themeDefined:
            themes[text("theme")!] = Theme(id: text("theme")!, name: text("name")!, description: text("description"), ref: ref)
        case .projectStarted:
            var fields: [String: Register] = [:]
            for name in Self.projectFieldNames {
                if let value = data[name] { fields[name] = Register(value, by: event, ref) }
            }
            if fields["status"] == nil { fields["status"] = Register(.string("running"), by: event, ref) }
            projects[text("project")!] = Project(id: text("project")!, fields: fields, started: ref, ending: nil, history: [])
        case .projectChanged:
            let id = text("project")!
            for name in Self.projectFieldNames {
                if let value = data[name] { projects[id]!.fields[name, default: Register()].set(value, by: event, ref) }
            }
        case .projectEnded:
            projects[text("project")!]!.ending = Ending(outcome: text("outcome")!, into: text("into"), ref: ref)
        case .participationChanged:
            participation[text("project")!, default: [:]][text("municipality")!, default: Register()]
                .set(data["participating"]!, by: event, ref)
        case .partnerRegistered:
            partners[text("partner")!] = Partner(id: text("partner")!, name: text("name")!, kind: text("kind"), ref: ref, links: [:])
        case .partnerLinked, .partnerUnlinked:
            let key = LinkKey(
                targetKind: text("project") != nil ? "project" : "theme", target: text("project") ?? text("theme")!,
                role: text("role")!)
            partners[text("partner")!]!.links[key, default: Register()].set(.bool(tag == .partnerLinked), by: event, ref)
        case .decisionRecorded:
            decisions[text("decision")!] = Decision(
                id: text("decision")!, body: text("body")!, outcome: text("outcome")!, subsidies: list("subsidies"),
                details: Decision.Details(
                    date: text("date")!, title: text("title")!, projects: list("projects"), amountCents: integer("amountCents"),
                    source: data["source"], ref: ref))
        case .budgetLineOpened:
            budgetLines[text("line")!] = BudgetLine(
                id: text("line")!, year: integer("year")!, side: text("side")!, name: text("name")!, theme: text("theme"),
                funder: text("funder"), reserve: data["reserve"]?.boolValue ?? false, amountCents: integer("amountCents") ?? 0, amendments: [], source: data["source"],
                ref: ref)
        case .budgetAmended:
            let delta = integer("deltaCents")!
            budgetLines[text("line")!]!.amountCents += delta
            budgetLines[text("line")!]!.amendments.append(
                Amendment(deltaCents: delta, reason: text("reason")!, decision: text("decision"), ref: ref))
        case .subsidyRequested:
            subsidies[text("subsidy")!] = Subsidy(
                id: text("subsidy")!, name: text("name")!, grantor: text("grantor")!, amountCents: integer("amountCents")!,
                year: integer("year"), projects: list("projects"), decision: text("decision"), ref: ref)
        case .indicatorRecorded:
            let key = IndicatorKey(
                project: text("project")!, indicator: text("indicator")!, period: text("period")!,
                municipality: text("municipality"))
            // In member order ("unit" before "value"), which spares the object a sort.
            let value: [(String, JSONValue)] = if let unit = data["unit"] { [("unit", unit), ("value", data["value"]!)] } else { [("value", data["value"]!)] }
            indicators[key, default: Register()].set(.object(value), by: event, ref)
        case .replicaEnrolled:
            enrolments[text("replica")!] = Enrolment(
                replica: text("replica")!, owner: text("owner")!, key: text("key")!, ref: ref, revocation: nil)
        case .replicaRevoked:
            let replica = text("replica")!
            enrolments[replica]!.revocation = Revocation(reason: text("reason")!, ref: ref, upToSeq: event.clock[replica])
        }
        recordHistory(event, ref)
    }

    private static func historyEntry(_ event: Event, _ ref: EventRef) -> HistoryEntry {
        var changes = event.data
        for common in EventCatalogue.commonMembers { changes[common.name] = nil }
        return HistoryEntry(ref: ref, changes: changes, source: event.data["source"])
    }

    /// The first 32 hex digits of a hash as two words.
    static func hashWords(_ hash: String) -> (UInt64, UInt64) {
        func words(_ utf8: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
            func word(_ range: Range<Int>) -> UInt64 {
                var value: UInt64 = 0
                for byte in utf8[range] {
                    let digit = byte <= UInt8(ascii: "9") ? byte &- UInt8(ascii: "0") : byte &- UInt8(ascii: "a") &+ 10
                    value = value << 4 | UInt64(digit & 0x0F)
                }
                return value
            }
            guard utf8.count >= 32 else { return (0, 0) }
            return (word(0..<16), word(16..<32))
        }
        // In place, without the copy (and retain) that `withUTF8` on a `var` makes.
        return hash.utf8.withContiguousStorageIfAvailable(words) ?? Array(hash.utf8).withUnsafeBufferPointer(words)
    }

    /// Adds the event to the history of every project it names: to the hash chain always, as an entry when tracked.
    private mutating func recordHistory(_ event: Event, _ ref: EventRef) {
        let data = event.data
        let project = data["project"]?.stringValue
        let into = data["into"]?.stringValue
        let listed = data["projects"]?.arrayValue ?? []
        guard project != nil || into != nil || !listed.isEmpty else { return }
        let words = Self.hashWords(event.hash)
        // Most events name one project; the others name each project once, in the order named.
        if into == nil && listed.isEmpty, let project {
            addToHistory(of: project, event, ref, words)
            return
        }
        var named: [String] = []
        for name in [project, into] { if let name { named.append(name) } }
        named += listed.compactMap(\.stringValue)
        for (index, id) in named.enumerated() where !named[..<index].contains(id) {
            addToHistory(of: id, event, ref, words)
        }
    }

    private mutating func addToHistory(of project: String, _ event: Event, _ ref: EventRef, _ words: (UInt64, UInt64)) {
        let entry: HistoryEntry? = trackedHistories.contains(project) ? Self.historyEntry(event, ref) : nil
        projects[project]?.addToHistory(words, entry)
    }
}
