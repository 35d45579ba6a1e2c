import EventLog
import Programme
import Testing
import TestSupport

/// A `--known-at` cut keeps the events whose hybrid timestamp is not later than the instant. Because an event's timestamp
/// is later than those of everything it has seen, even when its author's wall clock is behind, the kept set is causally
/// closed: it never keeps an event without its cause.
@Suite struct KnownAtCausalityTests {
    @Test func anEventRecordedOnASlowClockAfterSeeingALaterOneComesAfterIt() throws {
        let tmp = TemporaryDirectory()
        let a = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let b = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
        // A's clock says noon; B's clock is three hours behind.
        let x = try a.record(at: "2025-05-12T12:00:00Z", "theme-defined", #"{"theme": "wonen", "name": "Wonen"}"#)
        try b.receive(from: a)
        let y = try b.record(at: "2025-05-12T09:00:00Z", "project-started", #"{"project": "thuis", "name": "Thuis", "theme": "wonen"}"#)
        #expect(y.clock["programmabureau"] == 1, "Y depends on X")
        #expect(y.hlc > x.hlc, "Y is stamped after X although B's wall clock is earlier")
        #expect(y.hlc.millis == x.hlc.millis)
        #expect(Event.precedesInLogOrder(x, y))

        // Between B's wall time and X's time: neither is kept, although B recorded Y at 09:00 by its own clock.
        let between = Cut(knownAtMillis: millis("2025-05-12T10:00:00Z"))
        #expect(try ProgrammeHistory.events(of: b.replica, cut: between).isEmpty)
        let before = try b.state(between)
        #expect(before.projects.isEmpty)
        #expect(before.problems.isEmpty)

        let atX = Cut(knownAtMillis: x.hlc.millis)
        #expect(try ProgrammeHistory.events(of: b.replica, cut: atX).map(name) == ["programmabureau:1", "bureau-laptop:1"])
        let after = try b.state(atX)
        #expect(after.projects["thuis"]?.text("theme") == "wonen")
        #expect(after.problems.isEmpty)
    }

    /// Random histories of three replicas whose clocks are hours apart; many random known-at cuts of each.
    @Test(arguments: UInt64(1)...8)
    func everyKnownAtCutIsCausallyClosed(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let tmp = TemporaryDirectory()
        let replicas = try ["programmabureau", "bureau-laptop", "bureau-thuis"].map { try TestReplica(in: tmp, $0, owner: "programmabureau") }
        let offsets: [Int64] = replicas.map { _ in Int64.random(in: -3 * 3_600_000...3 * 3_600_000, using: &random) }
        let base = millis("2025-05-12T08:00:00Z")
        var counter = 0
        var pushed = 0
        for step in 0..<24 {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            let replica = replicas[index]
            if Bool.random(using: &random) {
                let sender = replicas[(index + Int.random(in: 1..<replicas.count, using: &random)) % replicas.count]
                let held = try replica.vector()
                let missing = try sender.events().filter { $0.seq > held[$0.origin] }
                // A prefix in the log's order is causally closed, like a sync cut short.
                try replica.receive(Array(missing.prefix(Int.random(in: 0...missing.count, using: &random))))
                continue
            }
            let state = try replica.state()
            counter += 1
            let draft: (String, String)
            let themes = ProgrammeViews.sortedKeys(state.themes)
            let projects = ProgrammeViews.sortedKeys(state.projects)
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !themes.isEmpty:
                draft = ("project-started", #"{"project": "p-\#(counter)", "name": "P \#(counter)", "theme": "\#(themes.randomElement(using: &random)!)"}"#)
            case 1 where !projects.isEmpty:
                let status = ["planned", "running", "paused"].randomElement(using: &random)!
                draft = ("project-changed", #"{"project": "\#(projects.randomElement(using: &random)!)", "status": "\#(status)"}"#)
            default:
                draft = ("theme-defined", #"{"theme": "t-\#(counter)", "name": "T \#(counter)"}"#)
            }
            let wall = base + Int64(step) * 600_000 + offsets[index] + Int64.random(in: 0...300_000, using: &random)
            let event = try replica.record(wallMillis: wall, [EventDraft(type: draft.0, effective: date("2025-05-12"), data: data(draft.1))])[0]
            if event.hlc.millis > wall { pushed += 1 }
        }
        let observer = replicas[0]
        for other in replicas.dropFirst() { try observer.receive(from: other) }
        let all = try observer.events()
        #expect(try observer.state().problems.isEmpty, "seed \(seed): the full log has problems")
        let low = all.map(\.hlc.millis).min()! - 3_600_000
        let high = all.map(\.hlc.millis).max()! + 3_600_000
        var instants = all.flatMap { [$0.hlc.millis - 1, $0.hlc.millis] }
        for _ in 0..<40 { instants.append(Int64.random(in: low...high, using: &random)) }
        for instant in instants {
            let cut = Cut(knownAtMillis: instant)
            let kept = try ProgrammeHistory.events(of: observer.replica, cut: cut)
            let context = "seed \(seed), known-at \(HybridTimestamp(millis: instant))"
            #expect(kept.map(name) == all.filter { $0.hlc.millis <= instant }.map(name), "\(context)")
            var held: [String: UInt64] = [:]
            for event in kept.sorted(by: { ($0.origin, $0.seq) < ($1.origin, $1.seq) }) {
                #expect(event.seq == held[event.origin, default: 0] + 1, "\(context): \(name(event)) kept without its predecessor")
                held[event.origin] = event.seq
            }
            for event in kept {
                for entry in event.clock.entries where entry.seq > held[entry.origin, default: 0] {
                    Issue.record("\(context): \(name(event)) is kept but its cause \(entry.origin):\(entry.seq) is not")
                }
            }
            #expect(ProgrammeHistory.state(of: kept, cut: cut, trustedKeys: TestKeys.roots).problems.isEmpty, "\(context): a cut made a valid event a problem")
        }
        print("seed \(seed): \(all.count) events, \(pushed) stamped after their author's wall clock")
    }
}
