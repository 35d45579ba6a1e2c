import EventLog

extension ProgrammeState {
    /// Applies an event that passed every rule.
    mutating func fold(_ event: Event) {
        let data = event.data
        let ref = EventRef(event)
        func text(_ name: String) -> String? { data[name]?.stringValue }
        func list(_ name: String) -> [String] { data[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func integer(_ name: String) -> Int64? { data[name]?.integerValue }

        switch event.type {
        case "owner-joined":
            owners[text("owner")!] = Owner(id: text("owner")!, name: text("name")!, kind: text("kind")!, ref: ref)
        case "theme-defined":
            themes[text("theme")!] = Theme(id: text("theme")!, name: text("name")!, description: text("description"), ref: ref)
        case "project-started":
            var fields: [String: Register] = [:]
            for name in ["name", "theme", "status", "lead", "description"] {
                if let value = data[name] { fields[name] = Register(value, by: event) }
            }
            if fields["status"] == nil { fields["status"] = Register(.string("running"), by: event) }
            projects[text("project")!] = Project(id: text("project")!, fields: fields, started: ref, ending: nil, history: [])
        case "project-changed":
            let id = text("project")!
            for name in ["name", "theme", "status", "lead", "description"] {
                if let value = data[name] { projects[id]!.fields[name, default: Register()].set(value, by: event) }
            }
        case "project-ended":
            projects[text("project")!]!.ending = Ending(outcome: text("outcome")!, into: text("into"), ref: ref)
        case "participation-changed":
            participation[text("project")!, default: [:]][text("municipality")!, default: Register()]
                .set(data["participating"]!, by: event)
        case "partner-registered":
            partners[text("partner")!] = Partner(id: text("partner")!, name: text("name")!, kind: text("kind"), ref: ref, links: [:])
        case "partner-linked", "partner-unlinked":
            let key = LinkKey(
                targetKind: text("project") != nil ? "project" : "theme", target: text("project") ?? text("theme")!,
                role: text("role")!)
            partners[text("partner")!]!.links[key, default: Register()].set(.bool(event.type == "partner-linked"), by: event)
        case "decision-recorded":
            decisions[text("decision")!] = Decision(
                id: text("decision")!, body: text("body")!, date: text("date")!, title: text("title")!,
                outcome: text("outcome")!, projects: list("projects"), subsidies: list("subsidies"),
                amountCents: integer("amountCents"), source: data["source"], ref: ref)
        case "budget-line-opened":
            budgetLines[text("line")!] = BudgetLine(
                id: text("line")!, year: integer("year")!, side: text("side")!, name: text("name")!, theme: text("theme"),
                funder: text("funder"), reserve: data["reserve"]?.boolValue ?? false, amountCents: integer("amountCents") ?? 0, amendments: [], source: data["source"],
                ref: ref)
        case "budget-amended":
            let delta = integer("deltaCents")!
            budgetLines[text("line")!]!.amountCents += delta
            budgetLines[text("line")!]!.amendments.append(
                Amendment(deltaCents: delta, reason: text("reason")!, decision: text("decision"), ref: ref))
        case "subsidy-requested":
            subsidies[text("subsidy")!] = Subsidy(
                id: text("subsidy")!, name: text("name")!, grantor: text("grantor")!, amountCents: integer("amountCents")!,
                year: integer("year"), projects: list("projects"), decision: text("decision"), ref: ref)
        case "indicator-recorded":
            let key = IndicatorKey(
                project: text("project")!, indicator: text("indicator")!, period: text("period")!,
                municipality: text("municipality"))
            var value: [(String, JSONValue)] = [("value", data["value"]!)]
            if let unit = data["unit"] { value.append(("unit", unit)) }
            indicators[key, default: Register()].set(.object(value), by: event)
        case "replica-enrolled":
            enrolments[text("replica")!] = Enrolment(
                replica: text("replica")!, owner: text("owner")!, key: text("key")!, ref: ref, revocation: nil)
        case "replica-revoked":
            let replica = text("replica")!
            enrolments[replica]!.revocation = Revocation(reason: text("reason")!, ref: ref, upToSeq: event.clock[replica])
        default:
            break
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
        let utf8 = Array(hash.utf8.prefix(32))
        func word(_ range: Range<Int>) -> UInt64 {
            var value: UInt64 = 0
            for byte in utf8[range] {
                let digit = byte <= UInt8(ascii: "9") ? byte &- UInt8(ascii: "0") : byte &- UInt8(ascii: "a") &+ 10
                value = value << 4 | UInt64(digit & 0x0F)
            }
            return value
        }
        guard utf8.count == 32 else { return (0, 0) }
        return (word(0..<16), word(16..<32))
    }

    /// Adds the event to the history of every project it names: to the hash chain always, as an entry when tracked.
    private mutating func recordHistory(_ event: Event, _ ref: EventRef) {
        var named: [String] = []
        for name in ["project", "into"] {
            if let id = event.data[name]?.stringValue { named.append(id) }
        }
        named += event.data["projects"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !named.isEmpty else { return }
        let words = Self.hashWords(event.hash)
        for (index, id) in named.enumerated() where !named[..<index].contains(id) {
            let entry: HistoryEntry? = trackedHistories.contains(id) ? Self.historyEntry(event, ref) : nil
            projects[id]?.addToHistory(words, entry)
        }
    }
}
