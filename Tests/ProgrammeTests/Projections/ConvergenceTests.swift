import EventLog
import Programme
import Testing
import TestSupport

/// Replicas that hold the same events show the same views, whatever order the events arrived in:
/// seeded random histories of 3 to 5 replicas authoring valid but concurrent (and conflicting) events,
/// exchanging random causally closed subsets in random orders, then everything.
@Suite struct ConvergenceTests {
    static let names = ["Welzijn op recept", "Welzijn op Recept", "WoR Twente"]
    static let leads = ["Ilse", "Joost", "Anna"]
    static let statuses = EventCatalogue.projectStatuses

    static let setup: [(type: String, effective: String, json: String)] = [
        ("owner-joined", "2025-01-01", #"{"owner": "enschede", "name": "Gemeente Enschede", "kind": "municipality"}"#),
        ("owner-joined", "2025-01-01", #"{"owner": "hengelo", "name": "Gemeente Hengelo", "kind": "municipality"}"#),
        ("owner-joined", "2025-01-01", #"{"owner": "menzis", "name": "Menzis", "kind": "insurer"}"#),
        ("theme-defined", "2025-01-01", #"{"theme": "gezond-leven", "name": "Gezond leven"}"#),
        ("theme-defined", "2025-01-01", #"{"theme": "jeugd", "name": "Jeugd"}"#),
        ("project-started", "2025-01-01", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept", "theme": "gezond-leven"}"#),
        ("project-started", "2025-01-01", #"{"project": "kansrijke-start", "name": "Kansrijke start", "theme": "jeugd"}"#),
        ("partner-registered", "2025-01-01", #"{"partner": "ggd", "name": "GGD Twente"}"#),
        ("budget-line-opened", "2025-01-01", #"{"line": "menzis-2025", "year": 2025, "side": "income", "name": "Menzis", "funder": "menzis", "amountCents": 10000000}"#),
        ("budget-line-opened", "2025-01-01", #"{"line": "uitgaven-2025", "year": 2025, "side": "expense", "name": "Projecten", "amountCents": 8000000}"#),
        ("budget-line-opened", "2025-01-01", #"{"line": "reserve-2025", "year": 2025, "side": "expense", "name": "Risicoreserve", "amountCents": 1000000, "reserve": true}"#),
    ]

    /// One random event that this replica's own rules accept now, or nil when it has nothing to record yet.
    static func draft(for replica: TestReplica, _ state: ProgrammeState, counter: Int, burst: Bool, _ random: inout SeededRandom) -> (String, String)? {
        let open = ProgrammeViews.sortedKeys(state.projects).filter { state.projects[$0]!.ending == nil }
        let projects = ProgrammeViews.sortedKeys(state.projects)
        func pick<T>(_ list: [T]) -> T { list.randomElement(using: &random)! }
        let owner = replica.owner
        if owner == ProgrammeState.programmeOffice {
            if burst, state.projects["welzijn-op-recept"] != nil {
                // The last rounds: both office machines change the same fields, unseen by the other.
                let field = pick(["status", "lead"])
                return ("project-changed", #"{"project": "welzijn-op-recept", "\#(field)": "\#(field == "lead" ? pick(leads) : pick(statuses))"}"#)
            }
            switch Int.random(in: 0..<20, using: &random) {
            case 0..<6 where !open.isEmpty:
                let field = pick(["name", "status", "lead"])
                let value = field == "name" ? pick(names) : field == "status" ? pick(statuses) : pick(leads)
                return ("project-changed", #"{"project": "\#(pick(open))", "\#(field)": "\#(value)"}"#)
            case 6..<9 where !state.budgetLines.isEmpty:
                let line = pick(ProgrammeViews.sortedKeys(state.budgetLines))
                return ("budget-amended", #"{"line": "\#(line)", "deltaCents": \#(Int.random(in: -500...1000, using: &random) * 100), "reason": "bijstelling \#(counter)"}"#)
            case 9..<12 where !projects.isEmpty:
                return ("indicator-recorded", #"{"project": "\#(pick(projects))", "indicator": "\#(pick(["deelnemers", "wachttijd"]))", "period": "\#(pick(["2025-Q1", "2025-Q2"]))", "value": \#(Int.random(in: 0...3, using: &random))}"#)
            case 12..<14 where state.themes["jeugd"] != nil:
                // Ids from a small pool: two office replicas may start the same one concurrently.
                let id = "extra-\(Int.random(in: 1...3, using: &random))"
                guard state.projects[id] == nil else { return nil }
                return ("project-started", #"{"project": "\#(id)", "name": "Extra \#(counter)", "theme": "jeugd"}"#)
            case 14 where open.count > 2:
                let id = pick(open.filter { $0 != "welzijn-op-recept" })
                return ("project-ended", #"{"project": "\#(id)", "outcome": "\#(pick(["completed", "stopped"]))"}"#)
            case 15..<17 where state.partners["ggd"] != nil && !open.isEmpty:
                let type = Bool.random(using: &random) ? "partner-linked" : "partner-unlinked"
                return (type, #"{"partner": "ggd", "project": "\#(pick(open))", "role": "uitvoerder"}"#)
            case 17:
                let id = "bo-\(Int.random(in: 1...4, using: &random))"
                guard state.decisions[id] == nil else { return nil }
                return ("decision-recorded", #"{"decision": "\#(id)", "body": "bo", "date": "2025-03-01", "title": "Besluit \#(counter)", "outcome": "adopted"}"#)
            default:
                return state.themes.isEmpty ? (setup[3].type, setup[3].json) : nil
            }
        }
        // An owner's replica records once it has received both the owner's joining and its own enrolment.
        guard let me = state.owners[owner], state.enrolments[replica.id] != nil else { return nil }
        if me.kind == "municipality" {
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !projects.isEmpty:
                return ("participation-changed", #"{"project": "\#(pick(projects))", "municipality": "\#(owner)", "participating": \#(Bool.random(using: &random))}"#)
            case 1 where !projects.isEmpty:
                return ("indicator-recorded", #"{"project": "\#(pick(projects))", "indicator": "deelnemers", "period": "2025-Q1", "value": \#(Int.random(in: 0...3, using: &random)), "municipality": "\#(owner)"}"#)
            default:
                return ("decision-recorded", #"{"decision": "\#(owner)-\#(counter)", "body": "\#(owner)", "date": "2025-02-01", "title": "Raadsbesluit", "outcome": "adopted"}"#)
            }
        }
        if Bool.random(using: &random), state.budgetLines["menzis-2025"]?.funder == owner {
            return ("budget-amended", #"{"line": "menzis-2025", "deltaCents": \#(Int.random(in: -100...300, using: &random) * 100), "reason": "bijdrage \#(counter)"}"#)
        }
        return ("decision-recorded", #"{"decision": "\#(owner)-\#(counter)", "body": "\#(owner)", "date": "2025-02-01", "title": "Besluit", "outcome": "signed"}"#)
    }

    /// Sends a random causally closed part of what `receiver` lacks, appended in a random order that respects causality.
    static func sendSome(from sender: TestReplica, to receiver: TestReplica, _ random: inout SeededRandom) throws -> Int {
        var have = try receiver.vector()
        let missing = try sender.events().filter { $0.seq > have[$0.origin] }
        guard !missing.isEmpty else { return 0 }
        let wanted = missing.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
        var pending = missing.filter { cause in wanted.contains { cause.seq <= $0.clock[cause.origin] } }
        var order: [Event] = []
        while !pending.isEmpty {
            let ready = pending.indices.filter { index in
                let event = pending[index]
                return event.seq == have[event.origin] + 1 && event.clock.entries.allSatisfy { $0.origin == event.origin || $0.seq <= have[$0.origin] }
            }
            guard let index = ready.randomElement(using: &random) else {
                Issue.record("the chosen events are not causally closed")
                return 0
            }
            let event = pending.remove(at: index)
            have[event.origin] = event.seq
            order.append(event)
        }
        try receiver.append(order)
        return order.count
    }

    @Test(arguments: UInt64(1)...20)
    func replicasHoldingTheSameEventsShowTheSameViews(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let tmp = TemporaryDirectory()
        let count = Int.random(in: 3...5, using: &random)
        let cast: [(String, String)] = [
            ("programmabureau", "programmabureau"), ("bureau-laptop", "programmabureau"), ("enschede", "enschede"),
            ("menzis", "menzis"), ("hengelo", "hengelo"),
        ]
        let replicas = try cast.prefix(count).map { try TestReplica(in: tmp, $0.0, owner: $0.1) }
        let context = "seed \(seed) with \(count) replicas"
        try replicas[0].record(at: "2025-01-06T09:00:00Z", Self.setup)
        try replicas[0].enrol(replicas.filter { $0.owner != ProgrammeState.programmeOffice }, at: "2025-01-06T09:00:00Z")
        let offsets = replicas.map { _ in Int64.random(in: -1_800_000...1_800_000, using: &random) }
        var counter = 0
        // Twelve rounds of recording and partial exchanges, then two of recording only, so that
        // concurrent changes are still unresolved when everything is exchanged.
        for round in 0..<14 {
            for (index, replica) in replicas.enumerated() where Int.random(in: 0..<3, using: &random) > 0 {
                counter += 1
                let wall = millis("2025-02-03T09:00:00Z") + Int64(round) * 3_600_000 + offsets[index] + Int64.random(in: 0...600_000, using: &random)
                let effective = LocalDate(year: 2025, month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))!
                var made = ""
                do {
                    try replica.record(wallMillis: wall) { state in
                        guard let (type, json) = Self.draft(for: replica, state, counter: counter, burst: round >= 12, &random) else { return nil }
                        made = "\(type) \(json)"
                        return EventDraft(type: type, effective: effective, data: data(json))
                    }
                } catch let violation as RuleViolation {
                    Issue.record("\(context): the generator made an event its own replica refuses: \(made): \(violation)")
                }
            }
            for _ in 0..<(round < 12 ? Int.random(in: 1...4, using: &random) : 0) {
                let from = Int.random(in: 0..<count, using: &random)
                let to = (from + Int.random(in: 1..<count, using: &random)) % count
                _ = try Self.sendSome(from: replicas[from], to: replicas[to], &random)
            }
            try Self.expectAgreementWhereVectorsAgree(replicas, "\(context), round \(round)")
        }

        // Everything to everyone.
        var union: [String: Event] = [:]
        for replica in replicas { for event in try replica.events() { union[name(event)] = event } }
        let everything = union.values.sorted(by: Event.precedesInLogOrder)
        for replica in replicas { try replica.receive(everything) }

        let expected = ProgrammeHistory.state(of: everything, cut: Cut(), trustedKeys: TestKeys.roots)
        let expectedBytes = ProgrammeViews.all(expected).canonicalBytes
        for replica in replicas {
            #expect(try replica.vector() == replicas[0].vector(), "\(context): \(replica.id) does not hold everything")
            let state = try ProgrammeHistory.state(of: replica.replica, cut: Cut())
            #expect(ProgrammeViews.all(state).canonicalBytes == expectedBytes, "\(context): \(replica.id) shows other views")
            #expect(ProgrammeViews.digest(state) == ProgrammeViews.digest(expected), "\(context): \(replica.id)")
        }
        // Every cut is a function of the events too.
        for _ in 0..<3 {
            let cut = Cut(
                at: LocalDate(year: 2025, month: Int.random(in: 1...12, using: &random), day: 1),
                knownAtMillis: millis("2025-02-03T09:00:00Z") + Int64.random(in: 0...12 * 3_600_000, using: &random))
            let digests = try Set(replicas.map { ProgrammeViews.digest(try ProgrammeHistory.state(of: $0.replica, cut: cut)) })
            #expect(digests.count == 1, "\(context): the replicas disagree at \(cut)")
        }
        let conflicts = ProgrammeViews.conflicts(expected).arrayValue?.count ?? 0
        print("\(context): \(everything.count) events, \(conflicts) conflicts, \(expected.problems.count) problems")
    }

    /// Replicas with the same version vector hold the same events, so they must print the same digest.
    static func expectAgreementWhereVectorsAgree(_ replicas: [TestReplica], _ context: String) throws {
        let vectors = try replicas.map { try $0.vector() }
        var digests: [VersionVector: (String, String)] = [:]
        for (replica, vector) in zip(replicas, vectors) where vectors.filter({ $0 == vector }).count > 1 {
            let digest = ProgrammeViews.digest(try replica.state())
            if let (other, seen) = digests[vector] {
                #expect(seen == digest, "\(context): \(replica.id) and \(other) hold \(vector) but disagree")
            } else {
                digests[vector] = (replica.id, digest)
            }
        }
    }
}
