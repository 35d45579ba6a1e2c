import EventLog
import Foundation
@testable import Programme
import Testing
import TestSupport

/// A view `--at` a date served from the cache (`DatedFold`) shows what a replay from the first event shows, on
/// every date: before, between and after the events' dates, with back-dated events, a key fact dated late, and
/// events that arrive after the cache was made and sort before what it folded.
@Suite struct DatedFoldTests {
    func fresh(_ replica: TestReplica, at date: LocalDate) throws -> [UInt8] {
        ProgrammeViews.all(try ProgrammeHistory.state(of: replica.replica, cut: Cut(at: date), useCache: false)).canonicalBytes
    }

    func cached(_ replica: TestReplica, at date: LocalDate? = nil, every interval: Int) throws -> [UInt8] {
        ProgrammeViews.all(try ProgrammeHistory.state(
            of: replica.replica, cut: Cut(at: date), trackingHistoryOf: [], useCache: true, checkpointEvery: interval)
        ).canonicalBytes
    }

    func day(_ offset: Int) -> LocalDate {
        LocalDate(utcDayOf: millis("2025-01-01T00:00:00Z") + Int64(offset) * 86_400_000)
    }

    /// Records `count` events spread over the replicas (Enschede's only once `enrolled`), dated in the order they
    /// happen but one in four back-dated by up to 40 days; the replicas sync now and then, so events often arrive late.
    func record(
        _ count: Int, from firstStep: Int, office: TestReplica, laptop: TestReplica, enschede: TestReplica, enrolled: Bool = true,
        _ random: inout SeededRandom
    ) throws {
        for step in firstStep..<firstStep + count {
            var offset = step * 2
            if Int.random(in: 0..<4, using: &random) == 0 { offset -= Int.random(in: 1...40, using: &random) }
            let effective = day(offset).description
            let wall = "2026-\(step / 28 % 12 + 1 < 10 ? "0" : "")\(step / 28 % 12 + 1)-\(step % 28 + 1 < 10 ? "0" : "")\(step % 28 + 1)T09:00:00Z"
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                try office.record(at: wall, "budget-amended", effective: effective, #"{"line": "menzis-2025", "deltaCents": \#(step), "reason": "r\#(step)"}"#)
            case 4..<7:
                try laptop.record(at: wall, "project-changed", effective: effective, #"{"project": "kansrijke-start", "lead": "lead \#(step)"}"#)
            case 7..<9 where enrolled:
                let participating = Bool.random(using: &random)
                try enschede.record(at: wall, "participation-changed", effective: effective, #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": \#(participating)}"#)
            default:
                try office.record(at: wall, "decision-recorded", effective: effective, #"{"decision": "d-\#(step)", "body": "bo", "date": "\#(effective)", "title": "Besluit \#(step)", "outcome": "adopted"}"#)
            }
            if Int.random(in: 0..<6, using: &random) == 0 { try laptop.receive(from: office); try office.receive(from: laptop) }
            if enrolled && Int.random(in: 0..<6, using: &random) == 0 { try office.receive(from: enschede); try enschede.receive(from: office) }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func aDatedViewFromTheCacheEqualsAReplayOnEveryDate(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        let tmp = TemporaryDirectory()
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let laptop = try TestReplica(in: tmp, "bureau-laptop", owner: "programmabureau")
        let enschede = try TestReplica(in: tmp, "enschede", owner: "enschede")
        let tablet = try TestReplica(in: tmp, "bureau-tablet", owner: "programmabureau")
        try office.record(at: "2026-01-01T08:00:00Z", ConvergenceTests.setup)
        try laptop.receive(from: office)
        try record(30, from: 0, office: office, laptop: laptop, enschede: enschede, enrolled: false, &random)
        // A key fact dated late: it counts on every date, so no stretch holding it is stepped over, even where
        // the events around it are dated after the view's date and Enschede's later ones are back-dated before it.
        try office.receive(from: laptop)
        try office.record(at: "2026-02-03T08:30:00Z", "replica-enrolled", effective: "2025-12-01", TestKeys.enrolment(of: "enschede", owner: "enschede"))
        try laptop.receive(from: office)
        try enschede.receive(from: office)
        try tablet.receive(from: office)
        try record(30, from: 30, office: office, laptop: laptop, enschede: enschede, &random)
        try office.receive(from: laptop)
        try office.receive(from: enschede)

        let interval = Int.random(in: 3...8, using: &random)
        try FileManager.default.removeItem(atPath: office.replica.cacheDirectory)
        _ = try cached(office, every: interval)  // a replay of the whole log leaves a checkpoint every `interval` events
        let dates = [day(-60)] + stride(from: -45, through: 135, by: 5).map(day) + [day(400)]
        for date in dates {
            #expect(try cached(office, at: date, every: interval) == fresh(office, at: date), "seed \(seed), every \(interval), at \(date)")
        }
        let total = try office.events().count
        let early = try #require(try DatedFold.state(of: office.replica, at: day(10), trustedKeys: office.replica.trustedKeys(), scope: .whole))
        #expect(early.eventsRead < total / 2, "an early date steps over the later stretches: \(early.eventsRead) of \(total) read")

        // A tablet last synced at the enrolment records amendments that then arrive: they sort before most of what
        // the cache folded, and a fold that meets them must not take the cache's stretches for the log's.
        for step in 0..<12 {
            let effective = day(step * 11 - 20).description
            try tablet.record(at: "2026-02-03T1\(step % 10):00:00Z", "budget-amended", effective: effective, #"{"line": "menzis-2025", "deltaCents": \#(1000 + step), "reason": "tablet \#(step)"}"#)
        }
        try office.receive(from: tablet)
        for date in dates {
            #expect(try cached(office, at: date, every: interval) == fresh(office, at: date), "seed \(seed), late arrivals, at \(date)")
        }
        _ = try cached(office, every: interval)  // the whole log folded again leaves a cache that holds the late ones
        try record(20, from: 60, office: office, laptop: laptop, enschede: enschede, &random)
        try office.receive(from: laptop)
        try office.receive(from: enschede)
        for date in dates {
            #expect(try cached(office, at: date, every: interval) == fresh(office, at: date), "seed \(seed), grown log, at \(date)")
        }
    }

    /// Where the dates do not follow the log (here every event of the second half is dated before the first
    /// half's), no checkpoint serves a date in between, and the view is still a replay's.
    @Test func datesAgainstTheLogsOrderStillGiveAReplaysView() throws {
        let tmp = TemporaryDirectory()
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        try office.record(at: "2026-01-01T08:00:00Z", ConvergenceTests.setup)
        for step in 0..<24 {
            let effective = day(step < 12 ? 200 + step : 100 + step).description
            try office.record(at: "2026-02-\(step + 1 < 10 ? "0" : "")\(step + 1)T09:00:00Z", "budget-amended", effective: effective, #"{"line": "menzis-2025", "deltaCents": \#(step + 1), "reason": "r"}"#)
        }
        _ = try cached(office, every: 4)
        for offset in [50, 105, 115, 150, 205, 215, 300] {
            #expect(try cached(office, at: day(offset), every: 4) == fresh(office, at: day(offset)), "at \(day(offset))")
        }
    }

    /// An event that arrives after the cache was made and sorts inside a stretch the fold reads shifts that stretch's
    /// end by one: the fold ends on another event than the cache noted, and stepping on from there would lose the
    /// 16th event, which is in effect on the date.
    @Test func aStretchThatEndsOnAnotherEventIsNotSteppedOverFrom() throws {
        let tmp = TemporaryDirectory()
        let office = try TestReplica(in: tmp, "programmabureau", owner: "programmabureau")
        let tablet = try TestReplica(in: tmp, "bureau-tablet", owner: "programmabureau")
        try office.record(at: "2026-01-01T08:00:00Z", ConvergenceTests.setup)  // events 1 to 11
        // Events 12 to 24; the 16th, dated day 5, was recorded late.
        let days = [10, 20, 30, 40, 5, 60, 70, 80, 90, 100, 110, 120, 130]
        for (i, offset) in days.enumerated() {
            try office.record(at: "2026-02-\(i + 10)T09:00:00Z", "budget-amended", effective: day(offset).description, #"{"line": "menzis-2025", "deltaCents": \#(i + 1), "reason": "r\#(i)"}"#)
            if i == 0 { try tablet.receive(from: office) }
        }
        try FileManager.default.removeItem(atPath: office.replica.cacheDirectory)
        _ = try cached(office, every: 4)
        // Sorts between events 12 and 13: a view at day 35 starts from the checkpoint after 12, folds 13 to 16
        // (event 16 is in effect) and would step over 17 to 24, which are dated later.
        try tablet.record(at: "2026-02-10T12:00:00Z", "budget-amended", effective: day(0).description, #"{"line": "menzis-2025", "deltaCents": 99, "reason": "tablet"}"#)
        try office.receive(from: tablet)
        #expect(try cached(office, at: day(35), every: 4) == fresh(office, at: day(35)))
        let state = try ProgrammeHistory.state(of: office.replica, cut: Cut(at: day(35)))
        #expect(state.budgetLines["menzis-2025"]?.amendments.map(\.reason) == ["r0", "tablet", "r1", "r2", "r4"], "day 40 is after the date")
    }
}
