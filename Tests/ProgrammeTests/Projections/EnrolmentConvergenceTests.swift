import EventLog
import Programme
import Testing
import TestSupport

/// Enrolments and revocations are folded like any event: replicas that receive the same signed events,
/// in whatever causal order and batches a sync schedule brings them, show the same views.
@Suite struct EnrolmentConvergenceTests {
    static let indicator = #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 3, "municipality": "enschede"}"#

    /// The office enrols two replicas of Enschede and one of Hengelo, then revokes Enschede's home laptop,
    /// which, not having heard of it, goes on recording.
    static func history(_ tmp: TemporaryDirectory) throws -> [Event] {
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let laptop = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
        let enschede = try TestReplica(in: tmp, "enschede", owner: "enschede")
        let thuis = try TestReplica(in: tmp, "enschede-thuis", owner: "enschede")
        let hengelo = try TestReplica(in: tmp, "hengelo", owner: "hengelo")
        try office.record(at: "2025-01-06T09:00:00Z", ConvergenceTests.setup)
        try office.enrol([enschede, thuis, hengelo], at: "2025-01-06T09:30:00Z")
        for replica in [laptop, enschede, thuis, hengelo] { try replica.receive(from: office) }
        try enschede.record(at: "2025-02-01T09:00:00Z", "participation-changed", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": true}"#)
        try thuis.record(at: "2025-02-01T10:00:00Z", "indicator-recorded", indicator)
        try hengelo.record(at: "2025-02-01T11:00:00Z", "participation-changed", #"{"project": "kansrijke-start", "municipality": "hengelo", "participating": true}"#)
        try office.receive(from: thuis)
        try office.record(at: "2025-02-02T09:00:00Z", "replica-revoked", #"{"replica": "enschede-thuis", "reason": "laptop kwijt"}"#)
        try thuis.record(at: "2025-02-03T09:00:00Z", "indicator-recorded", indicator.replacingOccurrences(of: "\"value\": 3", with: "\"value\": 30"))
        try laptop.record(at: "2025-02-03T10:00:00Z", "project-changed", #"{"project": "welzijn-op-recept", "lead": "Anna"}"#)
        try enschede.receive(from: office)
        try enschede.record(at: "2025-02-04T09:00:00Z", "decision-recorded", #"{"decision": "raad-1", "body": "enschede", "date": "2025-02-04", "title": "Instemming", "outcome": "adopted"}"#)
        var union: [String: Event] = [:]
        for replica in [office, laptop, enschede, thuis, hengelo] { for event in try replica.events() { union[name(event)] = event } }
        return union.values.sorted(by: Event.precedesInLogOrder)
    }

    /// The events in a random order that respects causality: each after its predecessor and everything it had seen.
    static func causalShuffle(_ events: [Event], _ random: inout SeededRandom) -> [Event] {
        var have = VersionVector()
        var pending = events
        var order: [Event] = []
        while !pending.isEmpty {
            let ready = pending.indices.filter { index in
                let event = pending[index]
                return event.seq == have[event.origin] + 1
                    && event.clock.entries.allSatisfy { $0.origin == event.origin || $0.seq <= have[$0.origin] }
            }
            let event = pending.remove(at: ready.randomElement(using: &random)!)
            have[event.origin] = event.seq
            order.append(event)
        }
        return order
    }

    @Test func theHistoryHasWhatTheOrdersAreTestedOn() throws {
        let tmp = TemporaryDirectory()
        let state = ProgrammeHistory.state(of: try Self.history(tmp), cut: Cut(), trustedKeys: TestKeys.roots)
        #expect(state.enrolments.keys.sorted() == ["enschede", "enschede-thuis", "hengelo"])
        #expect(state.enrolments["enschede-thuis"]?.revocation?.upToSeq == 1)
        #expect(state.problems.map(\.ref.name) == ["enschede-thuis:2"])
        #expect(state.problems.first?.violation.message.hasPrefix("revoked on ") == true)
        #expect(state.indicators.values.first?.value.objectValue?["value"] == .integer(3), "the laptop's value from before the revocation stands")
        #expect(state.decisions["raad-1"] != nil)
        #expect(state.projects["welzijn-op-recept"]?.text("lead") == "Anna")
    }

    @Test(arguments: UInt64(1)...8)
    func everySyncScheduleGivesTheSameViews(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let tmp = TemporaryDirectory()
        let events = try Self.history(tmp)
        let expected = ProgrammeViews.all(ProgrammeHistory.state(of: events, cut: Cut(), trustedKeys: TestKeys.roots)).canonicalBytes
        let receiver = try TestReplica(in: tmp, "waarnemer", owner: "programmabureau")
        var order = Self.causalShuffle(events, &random)
        // In batches, folding in between, so that snapshots of partial sets are resumed or found stale.
        while !order.isEmpty {
            let batch = Array(order.prefix(Int.random(in: 1...6, using: &random)))
            order.removeFirst(batch.count)
            try receiver.append(batch)
            _ = try ProgrammeHistory.state(of: receiver.replica, cut: Cut(), trackingHistoryOf: [], useCache: true, checkpointEvery: 3)
        }
        let cached = try ProgrammeHistory.state(of: receiver.replica, cut: Cut(), trackingHistoryOf: [], useCache: true, checkpointEvery: 3)
        #expect(ProgrammeViews.all(cached).canonicalBytes == expected, "seed \(seed)")
        let replayed = try ProgrammeHistory.state(of: receiver.replica, useCache: false)
        #expect(ProgrammeViews.all(replayed).canonicalBytes == expected, "seed \(seed)")
    }
}
