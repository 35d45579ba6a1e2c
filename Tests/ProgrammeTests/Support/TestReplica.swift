import EventLog
import Foundation
import Programme
import Testing
import TestSupport

/// A replica on disk for library tests: authors events as `koers record` would (recordedBy filled in,
/// rules checked first) or without the rules (as a faulty peer might), and receives other replicas' events
/// the way sync will: only the missing ones, causal past first.
///
/// It trusts the office's test key as its root and signs with a test key (`TestKeys`): a machine of the
/// programme office holds the office's root key, so office replicas need no enrolment; an owner's replica
/// signs with the test key of its own id and counts once the office has enrolled it (`enrol`).
struct TestReplica {
    let replica: Replica

    init(in directory: TemporaryDirectory, _ id: String, owner: String) throws {
        replica = try Replica.create(at: directory.at(id), replica: id, owner: owner)
        let seed = TestKeys.seed(owner == ProgrammeState.programmeOffice ? owner : id)
        try Data((hexString(seed) + "\n").utf8).write(to: URL(fileURLWithPath: replica.directory + "/key.secret"))
        try replica.setTrustedKeys(TestKeys.roots)
    }

    var id: String { replica.identity.replica }
    var owner: String { replica.identity.owner }

    /// Records events of this replica at the given wall clock, refusing (and writing nothing) if one breaks a rule.
    @discardableResult
    func record(at wall: String, _ drafts: [(type: String, effective: String, json: String)]) throws -> [Event] {
        try record(wallMillis: millis(wall), drafts.map { EventDraft(type: $0.type, effective: date($0.effective), data: data($0.json)) })
    }

    @discardableResult
    func record(at wall: String, _ type: String, effective: String = "2025-01-15", _ json: String) throws -> Event {
        try record(at: wall, [(type, effective, json)])[0]
    }

    @discardableResult
    func record(wallMillis: Int64, _ drafts: [EventDraft], checkRules: Bool = true) throws -> [Event] {
        try replica.writeWhenFree { writer in
            var state = try ProgrammeHistory.state(of: replica)
            let events = try writer.author(drafts.map(stamped), wallMillis: wallMillis)
            if checkRules {
                for event in events {
                    if let violation = state.apply(event) { throw violation }
                }
            }
            try writer.append(events)
            return events
        }
    }

    /// Records the event `choose` makes from this replica's current state (nil: nothing), checking the rules as `record` does.
    @discardableResult
    func record(wallMillis: Int64, choosing choose: (ProgrammeState) -> EventDraft?) throws -> Event? {
        try replica.writeWhenFree { writer in
            var state = try ProgrammeHistory.state(of: replica)
            guard let draft = choose(state) else { return nil }
            let event = try writer.author([stamped(draft)], wallMillis: wallMillis)[0]
            // What `koers record` checks against: the snapshot read only as far as the rules read it.
            var forRules = try ProgrammeHistory.stateForRules(of: replica)
            let verdict = state.apply(event)
            #expect(forRules.apply(event) == verdict, "the state read for the rules gives another verdict on \(event.type)")
            if let violation = verdict { throw violation }
            try writer.append([event])
            return event
        }
    }

    /// Records on this office replica the enrolment of each replica, with its test key, for its owner.
    @discardableResult
    func enrol(_ replicas: [TestReplica], at wall: String) throws -> [Event] {
        try record(at: wall, replicas.map { ("replica-enrolled", "2025-01-01", TestKeys.enrolment(of: $0.id, owner: $0.owner)) })
    }

    /// Sets `recordedBy` to this replica's owner unless the draft names one.
    func stamped(_ draft: EventDraft) -> EventDraft {
        var draft = draft
        if draft.data["recordedBy"] == nil { draft.data["recordedBy"] = .string(owner) }
        return draft
    }

    /// Every event held, in the log's total order.
    func events() throws -> [Event] {
        try replica.allEvents().sorted(by: Event.precedesInLogOrder)
    }

    func vector() throws -> VersionVector { try replica.versionVector() }

    func state(_ cut: Cut = Cut(), trackingHistoryOf projects: Set<String> = []) throws -> ProgrammeState {
        try ProgrammeHistory.state(of: replica, cut: cut, trackingHistoryOf: projects)
    }

    /// Appends the given events that this replica lacks, in the log's total order (which puts causes first),
    /// in up to three batches, with a `FoldAlong` following them as `koers sync` does: where it follows, its
    /// state must be the one a replay from the first event gives.
    @discardableResult
    func receive(_ events: [Event]) throws -> [Event] {
        let held = try vector()
        let missing = events.filter { $0.seq > held[$0.origin] }.sorted(by: Event.precedesInLogOrder)
        guard !missing.isEmpty else { return missing }
        let follower = FoldAlong(replica: replica, before: held)
        let size = (missing.count + 2) / 3
        for start in stride(from: 0, to: missing.count, by: size) {
            let batch = Array(missing[start..<min(start + size, missing.count)])
            try replica.writeWhenFree { writer in try writer.append(batch) }
            follower.add(batch, lines: batch.map(\.line))
        }
        if let followed = follower.finish() {
            let replayed = try ProgrammeHistory.state(of: replica, useCache: false)
            #expect(ProgrammeViews.all(followed).canonicalBytes == ProgrammeViews.all(replayed).canonicalBytes, "the fold along a sync")
        }
        return missing
    }

    /// Appends events exactly in the order given (each after its causal past), as a sync in progress might.
    func append(_ events: [Event]) throws {
        try replica.writeWhenFree { writer in try writer.append(events) }
    }

    /// Receives everything another replica holds.
    @discardableResult
    func receive(from other: TestReplica) throws -> [Event] {
        try receive(other.events())
    }
}

/// A name for an event in assertions: `origin:seq`.
func name(_ event: Event) -> String { "\(event.origin):\(event.seq)" }
