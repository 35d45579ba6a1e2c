import Foundation
import Testing
import EventLog
import TestSupport

/// A replica holding other:1…2 and programmabureau:1…3, where programmabureau:2 has seen other:1 and programmabureau:3 other:2.
///
/// Each test replaces some lines with hand-built events that carry exactly one defect, sealed so that nothing else is wrong.
struct VerifierFixture {
    static let o1 = foreignEvent("other", 1, millis: novemberFirst + 1000)
    static let o2 = foreignEvent("other", 2, after: o1, millis: novemberFirst + 5000)
    static let p1 = foreignEvent("programmabureau", 1, millis: novemberFirst + 2000)
    static let p2 = foreignEvent("programmabureau", 2, after: p1, seen: ["other": 1], millis: novemberFirst + 3000)
    static let p3 = foreignEvent("programmabureau", 3, after: p2, seen: ["other": 2], millis: novemberFirst + 6000)

    let base: ReplicaFixture

    init(other: [[UInt8]] = [o1.line, o2.line], own: [[UInt8]] = [p1.line, p2.line, p3.line]) throws {
        base = try ReplicaFixture()
        try writeFile(otherLog, other.flatMap { $0 + [0x0A] })
        try writeFile(ownLog, own.flatMap { $0 + [0x0A] })
    }

    var otherLog: String { base.replica.displayPath(origin: "other") }
    var ownLog: String { base.replica.displayPath(origin: "programmabureau") }

    func verify() throws -> LogVerifier.Report {
        try LogVerifier.verify(Replica.open(at: base.directory))
    }
}

@Suite struct LogVerifierTests {
    typealias F = VerifierFixture

    /// Checks that the report holds exactly one problem, at `file:line`, for `event`, with `message`.
    func expectOneProblem(
        _ report: LogVerifier.Report, file: String, line: Int, event: String?, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(report.problems.count == 1, "\(report.problems)", sourceLocation: sourceLocation)
        guard let problem = report.problems.first else { return }
        #expect(problem.file == file, sourceLocation: sourceLocation)
        #expect(problem.line == line, sourceLocation: sourceLocation)
        #expect(problem.event == event, sourceLocation: sourceLocation)
        #expect(problem.message == message, sourceLocation: sourceLocation)
        #expect(!report.isValid, sourceLocation: sourceLocation)
    }

    @Test func aValidReplicaVerifies() throws {
        let fixture = try VerifierFixture()
        let report = try fixture.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.isValid)
        #expect(report.events == 5)
        #expect(report.origins == ["other", "programmabureau"])
        #expect(report.partialTails == [])
    }

    @Test func aReplicaWrittenByTheWriterVerifies() throws {
        let fixture = try ReplicaFixture()
        try fixture.replica.write { try $0.append([F.o1, F.o2]) }
        try fixture.append(4)
        let report = try LogVerifier.verify(fixture.replica)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.events == 6)
    }

    @Test func anEmptyReplicaVerifies() throws {
        let report = try LogVerifier.verify(try ReplicaFixture().replica)
        #expect(report.isValid && report.events == 0 && report.origins == [])
    }

    @Test func aChangedDataByteIsAHashProblem() throws {
        var line = String(decoding: F.p2.line, as: UTF8.self)
        let original = "\"bedrag\":2000"
        #expect(line.contains(original))
        line = line.replacingOccurrences(of: original, with: "\"bedrag\":2900")
        let tampered = try Event.parse(line: Array(line.utf8))
        let fixture = try VerifierFixture(own: [F.p1.line, Array(line.utf8), F.p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 2, event: "programmabureau:2",
            message: "hash is \(F.p2.hash) but the content hashes to \(tampered.computedHash)")
    }

    @Test func aBrokenPrevIsReported() throws {
        let p2 = F.p2.withPrev(F.o1.hash)
        let p3 = F.p3.withPrev(p2.hash)
        let fixture = try VerifierFixture(own: [F.p1.line, p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 2, event: "programmabureau:2",
            message: "prev is \(F.o1.hash) but the previous event's hash is \(F.p1.hash)")
    }

    @Test func aSeqGapIsReported() throws {
        let fixture = try VerifierFixture()
        #expect(try fixture.verify().isValid)
        // Delete the middle line.
        let lines = fileBytes(fixture.ownLog).split(separator: 0x0A).map(Array.init)
        #expect(lines.count == 3)
        try writeFile(fixture.ownLog, (lines[0] + [0x0A]) + (lines[2] + [0x0A]))
        let report = try fixture.verify()
        expectOneProblem(report, file: fixture.ownLog, line: 2, event: "programmabureau:3", message: "seq is 3 where 2 should follow")
        #expect(report.events == 4)
    }

    @Test func aClockNamingAnEventNotHeldIsReported() throws {
        let p3 = foreignEvent("programmabureau", 3, after: F.p2, seen: ["other": 5], millis: novemberFirst + 6000)
        let fixture = try VerifierFixture(own: [F.p1.line, F.p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 3, event: "programmabureau:3",
            message: "clock refers to other:5, but the replica holds 2 events of other")
    }

    @Test func aClockNamingAnOriginNotHeldIsReported() throws {
        let p2 = foreignEvent("programmabureau", 2, after: F.p1, seen: ["other": 1, "kantoor": 1], millis: novemberFirst + 3000)
        let p3 = foreignEvent("programmabureau", 3, after: p2, seen: ["other": 2, "kantoor": 1], millis: novemberFirst + 6000)
        let fixture = try VerifierFixture(own: [F.p1.line, p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 2, event: "programmabureau:2",
            message: "clock refers to kantoor:1, but the replica holds 0 events of kantoor")
    }

    /// other:2 is stamped 09:00:05.000; programmabureau:3 has seen it, so must be stamped later.
    @Test(arguments: [(Int64(5000), UInt32(0)), (4000, 7), (3001, 0)])
    func anHlcNotLaterThanItsCauseIsReported(offset: Int64, counter: UInt32) throws {
        let p3 = foreignEvent("programmabureau", 3, after: F.p2, seen: ["other": 2], millis: novemberFirst + offset, counter: counter)
        let fixture = try VerifierFixture(own: [F.p1.line, F.p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 3, event: "programmabureau:3",
            message: "hlc \(p3.hlc) is not later than that of other:2 in its causal past (\(F.o2.hlc))")
    }

    @Test func anHlcOneCounterLaterThanItsCauseIsFine() throws {
        let p3 = foreignEvent("programmabureau", 3, after: F.p2, seen: ["other": 2], millis: novemberFirst + 5000, counter: 1)
        let report = try VerifierFixture(own: [F.p1.line, F.p2.line, p3.line]).verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func anHlcThatGoesBackWithinAnOriginIsReported() throws {
        let p2 = foreignEvent("programmabureau", 2, after: F.p1, seen: ["other": 1], millis: novemberFirst + 2000)
        let p3 = F.p3.withPrev(p2.hash)
        let fixture = try VerifierFixture(own: [F.p1.line, p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 2, event: "programmabureau:2",
            message: "hlc \(p2.hlc) is not later than the previous event's \(F.p1.hlc)")
    }

    @Test func aClockEntryForItsOwnOriginOtherThanSeqIsReported() throws {
        var p3 = F.p3
        p3.clock["programmabureau"] = 5
        p3 = p3.sealed()
        let fixture = try VerifierFixture(own: [F.p1.line, F.p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 3, event: "programmabureau:3",
            message: "clock[programmabureau] is 5, not its own seq 3")
    }

    @Test func aClockThatGoesBackIsReported() throws {
        // programmabureau:3 forgets that programmabureau:2 had seen other:1.
        var p3 = F.p3
        p3.clock = VersionVector(["programmabureau": 3])
        p3 = p3.sealed()
        let fixture = try VerifierFixture(own: [F.p1.line, F.p2.line, p3.line])
        expectOneProblem(
            try fixture.verify(), file: fixture.ownLog, line: 3, event: "programmabureau:3",
            message: "clock programmabureau:3 does not extend the previous event's clock other:1,programmabureau:2")
    }

    @Test func anEventOfAnotherOriginInALogIsReported() throws {
        let fixture = try VerifierFixture(own: [F.p1.line, F.p2.line, F.o2.line])
        let report = try fixture.verify()
        expectOneProblem(
            report, file: fixture.ownLog, line: 3, event: "other:2",
            message: "origin is 'other' but the file holds the log of 'programmabureau'")
        #expect(report.events == 5)
    }

    @Test func aLineThatIsNotJSONIsReported() throws {
        let fixture = try VerifierFixture(own: [F.p1.line, Array("not json".utf8), F.p3.line])
        let report = try fixture.verify()
        expectOneProblem(report, file: fixture.ownLog, line: 2, event: nil, message: "unexpected 'n' at column 1")
        #expect(report.events == 5)
    }

    @Test func aLineThatIsNotAnEventIsReportedWithTheMember() throws {
        let line = String(decoding: F.o2.line, as: UTF8.self).replacingOccurrences(of: "\"seq\":2", with: "\"seq\":0")
        let fixture = try VerifierFixture(other: [F.o1.line, Array(line.utf8)])
        let report = try fixture.verify()
        // programmabureau:3 names other:2, which can no longer be read.
        #expect(report.problems.count == 2, "\(report.problems)")
        #expect(report.problems.first?.description == "\(fixture.otherLog):2: seq: must be 1 or more, not 0")
        #expect(report.problems.last?.description == "\(fixture.ownLog):3: event programmabureau:3: clock refers to other:2, but the replica holds 1 events of other")
    }

    @Test func problemsInSeveralLogsAreAllReported() throws {
        let o2 = F.o2.withPrev(F.p1.hash)
        let p3 = foreignEvent("programmabureau", 3, after: F.p2, seen: ["other": 2], millis: novemberFirst + 6000, counter: 1).withPrev(F.p1.hash)
        let fixture = try VerifierFixture(other: [F.o1.line, o2.line], own: [F.p1.line, F.p2.line, p3.line])
        let report = try fixture.verify()
        #expect(report.problems.map { "\($0.file):\($0.line)" } == ["\(fixture.otherLog):2", "\(fixture.ownLog):3"])
        #expect(try LogVerifier.verify(Replica.open(at: fixture.base.directory), maxProblems: 1).problems.count == 1)
    }

    /// The office's events signed with key A, then B, then none: each change is reported once, at the event that makes it.
    @Test func anOriginThatChangesItsSigningKeyIsReported() throws {
        let a = Ed25519.SigningKey(seed: [UInt8](repeating: 1, count: 32))
        let b = Ed25519.SigningKey(seed: [UInt8](repeating: 2, count: 32))
        func signed(_ event: Event, _ key: Ed25519.SigningKey?) -> Event {
            var event = event
            event.sig = key?.eventSignature(origin: event.origin, seq: event.seq, hash: event.hash)
            return event
        }
        let changed = try VerifierFixture(own: [signed(F.p1, a).line, signed(F.p2, b).line, signed(F.p3, b).line])
        expectOneProblem(
            try changed.verify(), file: changed.ownLog, line: 2, event: "programmabureau:2",
            message: "is signed by key \(b.publicKeyHex), but the earlier events of programmabureau by key \(a.publicKeyHex)")
        let unsigned = try VerifierFixture(own: [signed(F.p1, a).line, signed(F.p2, a).line, F.p3.line])
        expectOneProblem(
            try unsigned.verify(), file: unsigned.ownLog, line: 3, event: "programmabureau:3",
            message: "is not signed, but the earlier events of programmabureau are")
        let same = try VerifierFixture(own: [F.p1.line, signed(F.p2, a).line, signed(F.p3, a).line])
        #expect(try same.verify().isValid, "unsigned events from before signing, then one key")
    }

    @Test func aTornTailIsAPartialTailNotAProblem() throws {
        let fixture = try VerifierFixture()
        try appendToFile(fixture.ownLog, Array(F.p3.line.prefix(20)))
        let report = try fixture.verify()
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.partialTails == [fixture.ownLog])
        #expect(report.events == 5)
    }
}
