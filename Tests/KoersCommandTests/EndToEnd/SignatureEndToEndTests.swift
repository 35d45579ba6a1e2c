import EventLog
import Foundation
import Testing
import TestSupport

/// Signed events, trust and enrolment, through the built binary: no one writes in another owner's name.
@Suite(.serialized) struct SignatureEndToEndTests {
    static let pb = "programmabureau"

    /// Rewrites the event lines of one origin's log from `seq` on: `change` alters the event, and the chain after it is
    /// re-linked and re-hashed (a correct hash chain), while every `sig` stays as it was unless `change` sets it.
    static func rewrite(_ w: SyncWorld, _ store: String, origin: String, from seq: Int, _ change: (inout Event) -> Void) throws {
        let path = w.path(store) + "/log/\(origin).jsonl"
        var events = try w.logLines(store, origin: origin).map { try Event.parse(line: Array($0.utf8)) }
        for index in (seq - 1)..<events.count {
            if index == seq - 1 { change(&events[index]) }
            if index > 0 { events[index].prev = events[index - 1].hash }
            events[index] = events[index].sealed()
        }
        try Data(events.flatMap { $0.line + [0x0A] }).write(to: URL(fileURLWithPath: path))
    }

    static func problems(_ w: SyncWorld, _ store: String) -> [JSONObject] {
        let text = w.expectOK(["problems", "--json"], store: store)
        return (try? JSONValue(parsing: Array(text.utf8)).arrayValue?.compactMap(\.objectValue)) ?? []
    }

    @Test func everyRecordedEventIsSignedByTheReplicasKeyAndVerifies() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        let line = try #require(w.logLines("enschede", origin: "enschede").last)
        let event = try Event.parse(line: Array(line.utf8))
        #expect(event.signerKey == w.publicKey("enschede"))
        #expect(event.hasValidSignature)
        let verified = w.expectOK(["verify", "--signatures"], store: "enschede")
        #expect(verified.contains("every signature valid"), "\(verified)")
    }

    @Test func verifySignaturesFindsASignatureThatNoLongerFitsItsEvent() throws {
        let w = SyncWorld()
        w.makeProgramme()
        // Replace the signature of event 3 by that of event 4: the hash chain is untouched.
        let lines = w.logLines(Self.pb, origin: Self.pb)
        let fourth = try Event.parse(line: Array(lines[3].utf8))
        try Self.rewrite(w, Self.pb, origin: Self.pb, from: 3) { $0.sig = fourth.sig }
        #expect(w.koers(["verify"], store: Self.pb).status == 0, "without --signatures only the chain is checked")
        let result = w.koers(["verify", "--signatures"], store: Self.pb)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("log/programmabureau.jsonl:3: error: event programmabureau:3: signature is not valid"), "\(result)")
    }

    @Test func aRewrittenEventWithACorrectChainButNoValidSignatureIsRefusedBySyncAndBundle() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.copy(Self.pb, to: "forger")
        // The forger changes an old event of the office and re-links the chain after it; it cannot re-sign.
        try Self.rewrite(w, "forger", origin: Self.pb, from: 5) { $0.data["name"] = .string("Vervalst") }
        #expect(w.koers(["verify"], store: "forger").status == 0, "the forged chain is consistent")
        w.make("fresh", owner: "enschede")
        let bundle = w.tmp.at("forged.bundle")
        w.expectOK(["bundle", "create", bundle], store: "forger")
        // The lock file a refused writer leaves is no change to the replica.
        func state() -> [String: [UInt8]] { snapshot(of: w.path("fresh")).filter { $0.key != "lock" } }
        let before = state()
        let newest = w.logLines("forger", origin: Self.pb).count
        for (how, arguments) in [
            ("sync from the directory", ["sync", w.path("forger")]), ("sync over --exec", ["sync", "--exec", w.serveCommand("forger")]),
            ("bundle apply", ["bundle", "apply", bundle]),
        ] {
            let result = w.koers(arguments, store: "fresh")
            #expect(result.status == 1, "\(how): \(result)")
            #expect(result.stderr.contains("bad signature: event programmabureau:\(newest) carries a signature that is not valid"), "\(how): \(result)")
            #expect(state() == before, "\(how): the replica changed")
        }
    }

    @Test func aHistoryReSignedWithAnotherKeyIsRefusedWhereTheOriginsKeyIsKnownAndNotAppliedElsewhere() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        // A newcomer that trusts the office and holds the programme, but nothing of enschede yet.
        w.expectOK(["init", w.path("newcomer"), "--replica", "newcomer", "--owner", "hengelo", "--from", w.path(Self.pb)])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        // A forger re-signs enschede's whole log with a key of its own: every signature is valid, for the wrong key.
        let forgedKey = Ed25519.SigningKey(seed: Array(repeating: 42, count: 32))
        w.copy("enschede", to: "stolen")
        try Self.rewrite(w, "stolen", origin: "enschede", from: 1) { event in
            event.data["participating"] = .bool(false)
            event.sig = nil
        }
        let path = w.path("stolen") + "/log/enschede.jsonl"
        let resigned = try w.logLines("stolen", origin: "enschede").map { line -> [UInt8] in
            var event = try Event.parse(line: Array(line.utf8))
            event.sig = forgedKey.eventSignature(origin: event.origin, seq: event.seq, hash: event.hash)
            return event.line + [0x0A]
        }
        try Data(resigned.joined()).write(to: URL(fileURLWithPath: path))
        // The office holds enschede's events under enschede's key: the other key is refused outright … (a fork here)
        let refused = w.koers(["sync", w.path("stolen")], store: Self.pb)
        #expect(refused.status == 1, "\(refused)")
        // … and a replica that holds nothing of enschede takes the events, but the rules do not apply them.
        let truth = w.expectOK(["participation", "--json"], store: "newcomer")
        w.expectOK(["sync", w.path("stolen"), "--pull"], store: "newcomer")
        let forged = Self.problems(w, "newcomer").filter { $0["event"] == .string("enschede:1") }
        #expect(forged.first?["rule"] == .string("enrolment"), "\(forged)")
        #expect(forged.first?["message"]?.stringValue?.hasPrefix("signed with another key") == true, "\(forged)")
        #expect(w.expectOK(["participation", "--json"], store: "newcomer") == truth)
    }

    @Test func aReplicaThatWasNeverEnrolledSyncsButItsEventsAreOnlyProblems() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        // A replica made from the office, never enrolled: its own view refuses to record …
        w.expectOK(["init", w.path("rogue"), "--replica", "rogue", "--owner", Self.pb, "--from", w.path(Self.pb)])
        let refused = w.koers(["record", "theme-defined", "--theme", "zorg", "--name", "Zorg"], store: "rogue")
        #expect(refused.status == 1 && refused.stderr.contains("not enrolled"), "\(refused)")
        // … unless it trusts itself as a root; then it records, and its events travel, but nobody else applies them.
        w.expectOK(["trust", "add", "myself", w.publicKey("rogue")], store: "rogue")
        w.record("rogue", ["theme-defined", "--theme", "zorg", "--name", "Zorg"])
        let views = w.expectOK(["themes", "--json"], store: Self.pb)
        w.expectOK(["sync", w.path("rogue")], store: Self.pb)
        #expect(w.clock(Self.pb)["rogue"] == 1, "the event is in the office's log")
        #expect(w.expectOK(["themes", "--json"], store: Self.pb) == views, "but not applied")
        let problem = Self.problems(w, Self.pb).first { $0["event"] == .string("rogue:1") }
        #expect(problem?["rule"] == .string("enrolment"), "\(String(describing: problem))")
        #expect(problem?["message"]?.stringValue?.hasPrefix("not enrolled") == true, "\(String(describing: problem))")
        // enschede, which trusts what the office trusts, sees the same.
        w.expectOK(["sync", w.path(Self.pb)], store: "enschede")
        #expect(w.expectOK(["problems", "--json"], store: "enschede") == w.expectOK(["problems", "--json"], store: Self.pb))
    }

    @Test func afterRevocationLaterEventsOfThatReplicaAreNotApplied() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["indicator-recorded", "--project", "p", "--indicator", "deelnemers", "--period", "2024", "--municipality", "enschede", "--value", "10"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        w.now = "2024-11-02T10:00:00Z"
        w.record(Self.pb, ["replica-revoked", "--replica", "enschede", "--reason", "laptop lost"])
        // enschede has not heard of it yet and records on.
        w.now = "2024-11-03T10:00:00Z"
        w.record("enschede", ["indicator-recorded", "--project", "p", "--indicator", "deelnemers", "--period", "2025", "--municipality", "enschede", "--value", "12"])
        w.expectOK(["sync", w.path("enschede")], store: Self.pb)
        let indicators = w.expectOK(["indicators", "--json"], store: Self.pb)
        #expect(indicators.contains("\"2024\""), "the event before the revocation stays applied: \(indicators)")
        #expect(!indicators.contains("\"2025\""), "the later one is not: \(indicators)")
        let seq = w.clock(Self.pb)["enschede"]!
        let problem = Self.problems(w, Self.pb).first { $0["event"] == .string("enschede:\(seq)") }
        #expect(problem?["message"]?.stringValue?.hasPrefix("revoked on 2024-11-02") == true, "\(String(describing: problem))")
        // The revoked replica itself now refuses to record.
        let refused = w.koers(["record", "participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"], store: "enschede")
        #expect(refused.status == 1 && refused.stderr.contains("revoked on 2024-11-02"), "\(refused)")
    }

    @Test func aMunicipalitysKeyCannotRecordProgrammeFactsEvenIfItsReplicaClaimsToBeTheOffice() throws {
        let w = SyncWorld()
        w.makeProgramme()
        // A replica that says it records for the programme office, enrolled (rightly) for enschede.
        w.expectOK(["init", w.path("claimant"), "--replica", "claimant", "--owner", Self.pb, "--from", w.path(Self.pb)])
        w.enrol("claimant", owner: "enschede")
        w.expectOK(["sync", w.path(Self.pb), "--pull"], store: "claimant")
        let refused = w.koers(["record", "theme-defined", "--theme", "zorg", "--name", "Zorg"], store: "claimant")
        #expect(refused.status == 1 && refused.stderr.contains("[rule: authorisation]") || refused.stderr.contains("authorisation"), "\(refused)")
        #expect(w.clock("claimant")["claimant"] == nil, "nothing was recorded")
        // Forced through by trusting itself, the event reaches the office, which does not apply it.
        w.expectOK(["trust", "add", "myself", w.publicKey("claimant")], store: "claimant")
        w.record("claimant", ["theme-defined", "--theme", "zorg", "--name", "Zorg"])
        w.expectOK(["sync", w.path("claimant")], store: Self.pb)
        #expect(!w.expectOK(["themes"], store: Self.pb).contains("zorg"))
        let problem = Self.problems(w, Self.pb).first { $0["event"] == .string("claimant:1") }
        #expect(problem?["rule"] == .string("authorisation"), "\(String(describing: problem))")
        #expect(problem?["message"]?.stringValue?.contains("enrolled for 'enschede'") == true, "\(String(describing: problem))")
    }

    @Test func trustIsLocalInheritedByInitFromAndChangesTheViews() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        let key = w.publicKey(Self.pb)
        #expect(w.expectOK(["trust", "list"], store: "enschede").contains("bureau"))
        #expect(w.expectOK(["trust", "list"], store: "enschede").contains(key))
        // A malformed key and a second name for one key are refused, and nothing changes.
        let trustFile = w.path("enschede") + "/trust.json"
        let before = fileBytes(trustFile)
        #expect(w.koers(["trust", "add", "x", "ABC"], store: "enschede").status == 64)
        #expect(w.koers(["trust", "add", "other", key], store: "enschede").status == 1)
        #expect(fileBytes(trustFile) == before)
        // Trust is never synced.
        w.make("outsider", owner: "hengelo")
        w.expectOK(["sync", w.path("enschede")], store: "outsider")
        #expect(w.expectOK(["trust", "list"], store: "outsider").contains("no trusted keys"))
        // Trusting nobody, the outsider applies nothing; trusting the office, it sees what the office sees.
        #expect(w.expectOK(["projects", "--json"], store: "outsider") != w.expectOK(["projects", "--json"], store: Self.pb))
        w.expectOK(["trust", "add", "bureau", key], store: "outsider")
        #expect(w.expectOK(["projects", "--json"], store: "outsider") == w.expectOK(["projects", "--json"], store: Self.pb))
        w.expectOK(["trust", "remove", "bureau"], store: "outsider")
        #expect(w.expectOK(["projects", "--json"], store: "outsider") != w.expectOK(["projects", "--json"], store: Self.pb))
    }

    @Test func aReplicaCannotRecordUnderAnotherReplicasId() throws {
        let w = SyncWorld()
        w.makeProgramme(joining: [("enschede", "enschede")])
        w.record("enschede", ["participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "true"])
        // A second replica named enschede, with a key of its own, takes in the first one's events.
        w.expectOK(["init", w.path("twin"), "--replica", "enschede", "--owner", "enschede", "--from", w.path("enschede")])
        let log = w.logFiles("twin")
        let result = w.koers(["record", "participation-changed", "--project", "p", "--municipality", "enschede", "--participating", "false"], store: "twin")
        #expect(result.status == 1 && result.stderr.contains("is the origin of events held here that another key"), "\(result)")
        #expect(w.logFiles("twin") == log)
    }
}
