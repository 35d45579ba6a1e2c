import EventLog
import Programme
import Testing

/// Whom an event speaks for rests on the key that signed it: a trusted root key acts for the programme office,
/// an enrolled replica's key for the owner it was enrolled for, and `recordedBy` must name that owner.
@Suite struct KeyAuthorityTests {
    static let theme = #"{"theme": "wonen", "name": "Wonen"}"#
    static let participation = #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": true}"#

    /// The event with its signature replaced by one of `key` (the hash does not cover `sig`).
    static func signed(_ event: Event, by key: Ed25519.SigningKey) -> Event {
        var event = event
        event.sig = key.eventSignature(origin: event.origin, seq: event.seq, hash: event.hash)
        return event
    }

    /// Applies the event to the fixture's state and returns the violation, checking that a refusal changes no view.
    static func verdict(_ event: Event, in fixture: inout ProgrammeFixture, sourceLocation: SourceLocation = #_sourceLocation) -> RuleViolation? {
        let before = fixture.state
        let violation = fixture.state.apply(event)
        if violation != nil {
            let unchanged = viewsWithoutProblems(fixture.state) == viewsWithoutProblems(before)
            #expect(unchanged, "a refused event changed a view", sourceLocation: sourceLocation)
        }
        return violation
    }

    @Test func anUnsignedEventActsForNoOne() {
        var fixture = ProgrammeFixture()
        var event = fixture.make("theme-defined", Self.theme)
        event.sig = nil
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "signature")
        #expect(violation?.message.hasPrefix("not signed: ") == true, "\(String(describing: violation))")
    }

    @Test func aMalformedSignatureActsForNoOne() {
        var fixture = ProgrammeFixture()
        var event = fixture.make("theme-defined", Self.theme)
        event.sig = "ed25519:abc:def"
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "signature")
        #expect(violation?.message.hasPrefix("not signed: ") == true)
    }

    @Test func aReplicaThatIsNotEnrolledActsForNoOne() {
        var fixture = ProgrammeFixture()
        let event = fixture.maker.make("participation-changed", by: "enschede", origin: "enschede-laptop", Self.participation)
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "enrolment")
        #expect(violation?.message == "not enrolled: replica 'enschede-laptop' is not enrolled (the programme office records replica-enrolled with its key)")
    }

    @Test func anEnrolledReplicaSignedWithAnotherKeyActsForNoOne() {
        var fixture = ProgrammeFixture()
        let stolen = TestKeys.key("someone-else")
        let event = Self.signed(fixture.make("participation-changed", by: "enschede", Self.participation), by: stolen)
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "enrolment")
        let enrolled = TestKeys.key("enschede").publicKeyHex.prefix(8)
        let signer = stolen.publicKeyHex.prefix(8)
        #expect(violation?.message == "signed with another key: replica 'enschede' is enrolled with key \(enrolled)…, this event is signed by \(signer)…")
    }

    /// The municipality's replica claims to be the programme office: its key says otherwise.
    @Test(arguments: [
        ("theme-defined", KeyAuthorityTests.theme),
        ("decision-recorded", #"{"decision": "bo-9", "body": "bo", "date": "2025-03-01", "title": "Werkplan", "outcome": "adopted"}"#),
        ("replica-enrolled", TestKeys.enrolment(of: "enschede-laptop", owner: "enschede")),
        ("budget-amended", #"{"line": "uitgaven-2025", "deltaCents": 100, "reason": "eigen keuze"}"#),
    ])
    func aMunicipalityKeyCannotRecordForTheProgrammeOffice(_ type: String, _ json: String) {
        var fixture = ProgrammeFixture()
        let event = fixture.maker.make(type, by: ProgrammeState.programmeOffice, origin: "enschede", json)
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "authorisation")
        #expect(violation?.message == "recorded for 'programmabureau' but signed by the key of replica 'enschede', enrolled for 'enschede'")
    }

    @Test func aMunicipalityKeyCannotRecordForAnotherOwner() {
        var fixture = ProgrammeFixture()
        let event = fixture.maker.make("participation-changed", by: "hengelo", origin: "enschede", #"{"project": "welzijn-op-recept", "municipality": "hengelo", "participating": true}"#)
        let violation = Self.verdict(event, in: &fixture)
        #expect(violation?.rule == "authorisation")
        #expect(violation?.message.hasPrefix("recorded for 'hengelo' but signed by the key of replica 'enschede'") == true)
    }

    @Test func aRootKeyActsForTheOfficeOnly() {
        var fixture = ProgrammeFixture()
        let forEnschede = fixture.maker.make("participation-changed", by: "enschede", origin: ProgrammeState.programmeOffice, Self.participation)
        let violation = Self.verdict(forEnschede, in: &fixture)
        #expect(violation?.rule == "authorisation")
        #expect(violation?.message == "recorded for 'enschede' but signed by trusted root key 'programmabureau', which acts for 'programmabureau'")
        // From any origin: the key, not the replica, decides.
        let fromHome = Self.signed(fixture.maker.make("theme-defined", origin: "bureau-thuis", Self.theme), by: TestKeys.office)
        #expect(Self.verdict(fromHome, in: &fixture) == nil)
        #expect(fixture.state.themes["wonen"]?.ref.name == "bureau-thuis:1")
    }

    /// Without trusted roots nothing counts: the office's own events are those of a replica nobody enrolled.
    @Test func aStateWithoutRootsTrustsNoOne() {
        var fixture = ProgrammeFixture()
        var state = ProgrammeState()
        let violation = state.apply(fixture.make("theme-defined", Self.theme))
        #expect(violation?.rule == "enrolment")
        #expect(violation?.message.hasPrefix("not enrolled: replica 'programmabureau'") == true)
    }

    @Test func anEnrolledOfficeReplicaRecordsForTheOfficeButDoesNotEnrol() {
        var fixture = ProgrammeFixture()
        let enrol = fixture.make("replica-enrolled", TestKeys.enrolment(of: "bureau-laptop", owner: ProgrammeState.programmeOffice))
        #expect(Self.verdict(enrol, in: &fixture) == nil)
        let theme = fixture.maker.make("theme-defined", origin: "bureau-laptop", Self.theme)
        #expect(Self.verdict(theme, in: &fixture) == nil)
        for (type, json) in [
            ("replica-enrolled", TestKeys.enrolment(of: "enschede-laptop", owner: "enschede")),
            ("replica-revoked", #"{"replica": "enschede", "reason": "laptop kwijt"}"#),
        ] {
            let event = fixture.maker.make(type, origin: "bureau-laptop", json)
            let violation = Self.verdict(event, in: &fixture)
            #expect(violation?.rule == "authorisation", "\(type)")
            #expect(violation?.message.hasPrefix("only a trusted root key enrols and revokes replicas") == true, "\(type): \(String(describing: violation))")
        }
        #expect(fixture.state.enrolments["enschede"]?.revocation == nil)
        #expect(fixture.state.enrolments["enschede-laptop"] == nil)
    }

    static let enrolmentCases: [RuleCase] = [
        .accepted("the office enrols a municipality's second replica", "replica-enrolled", TestKeys.enrolment(of: "enschede-laptop", owner: "enschede")),
        .accepted("the office enrols a replica of its own", "replica-enrolled", TestKeys.enrolment(of: "bureau-laptop", owner: ProgrammeState.programmeOffice)),
        .refused("enrolling a replica twice", "replica-enrolled", TestKeys.enrolment(of: "enschede", owner: "enschede"), rule: "enrolment", mentions: "already enrolled"),
        .refused("enrolling a replica with a copied key", "replica-enrolled", #"{"replica": "enschede-laptop", "owner": "enschede", "key": "\#(TestKeys.key("enschede").publicKeyHex)"}"#, rule: "enrolment", mentions: "copied key"),
        .refused("enrolling a replica with a root key", "replica-enrolled", #"{"replica": "bureau-laptop", "owner": "programmabureau", "key": "\#(TestKeys.office.publicKeyHex)"}"#, rule: "enrolment", mentions: "trusted root key"),
        .refused("enrolling for an owner that has not joined", "replica-enrolled", TestKeys.enrolment(of: "almelo", owner: "almelo"), rule: "unknown-reference", mentions: "data.owner"),
        .refused("enrolling with a key that is not 64 lowercase hex digits", "replica-enrolled", #"{"replica": "almelo", "owner": "enschede", "key": "ABCD"}"#, rule: "form", mentions: "data.key"),
        .refused("a municipality enrols its own second replica", "replica-enrolled", by: "enschede", TestKeys.enrolment(of: "enschede-laptop", owner: "enschede"), rule: "authorisation"),
        .accepted("the office revokes a replica", "replica-revoked", #"{"replica": "hengelo", "reason": "laptop kwijt"}"#),
        .refused("revoking a replica that is not enrolled", "replica-revoked", #"{"replica": "almelo", "reason": "onbekend"}"#, rule: "unknown-reference", mentions: "data.replica"),
        .refused("revoking without a reason", "replica-revoked", #"{"replica": "hengelo"}"#, rule: "form", mentions: "data.reason"),
        .refused("a municipality revokes a replica", "replica-revoked", by: "enschede", #"{"replica": "hengelo", "reason": "ruzie"}"#, rule: "authorisation"),
    ]

    @Test(arguments: enrolmentCases) func enrolAndRevoke(_ rule: RuleCase) { rule.verify() }

    @Test func aRevokedReplicaStaysRevoked() {
        var fixture = ProgrammeFixture()
        let revoke = fixture.make("replica-revoked", #"{"replica": "hengelo", "reason": "laptop kwijt"}"#)
        #expect(Self.verdict(revoke, in: &fixture) == nil)
        let again = Self.verdict(fixture.make("replica-revoked", #"{"replica": "hengelo", "reason": "nogmaals"}"#), in: &fixture)
        #expect(again?.rule == "enrolment")
        #expect(again?.message.contains("already revoked") == true)
        let reenrol = Self.verdict(fixture.make("replica-enrolled", #"{"replica": "hengelo", "owner": "hengelo", "key": "\#(TestKeys.key("hengelo-nieuw").publicKeyHex)"}"#), in: &fixture)
        #expect(reenrol?.rule == "enrolment")
        #expect(reenrol?.message.contains("a revoked replica stays revoked; make a new replica") == true)
        // Its key stays taken too: a new replica gets a new key.
        let copied = Self.verdict(fixture.make("replica-enrolled", #"{"replica": "hengelo-2", "owner": "hengelo", "key": "\#(TestKeys.key("hengelo").publicKeyHex)"}"#), in: &fixture)
        #expect(copied?.message.contains("copied key") == true)
        #expect(Self.verdict(fixture.make("replica-enrolled", TestKeys.enrolment(of: "hengelo-2", owner: "hengelo")), in: &fixture) == nil)
    }

    /// The replica's events up to what the office had seen when it revoked still count; its later ones do not.
    @Test func aRevocationCountsFromWhatTheOfficeHadSeen() throws {
        var fixture = ProgrammeFixture()
        let own = #"{"project": "welzijn-op-recept", "municipality": "hengelo", "participating": true}"#
        let stop = #"{"project": "welzijn-op-recept", "municipality": "hengelo", "participating": false}"#
        let first = fixture.make("participation-changed", by: "hengelo", own)
        let second = fixture.make("decision-recorded", by: "hengelo", #"{"decision": "raad-1", "body": "hengelo", "date": "2025-02-01", "title": "Instemming", "outcome": "adopted"}"#)
        #expect(Self.verdict(first, in: &fixture) == nil)
        #expect(Self.verdict(second, in: &fixture) == nil)
        let revoke = fixture.make("replica-revoked", effective: "2025-03-01", #"{"replica": "hengelo", "reason": "laptop kwijt"}"#)
        #expect(Self.verdict(revoke, in: &fixture) == nil)
        let revocation = try #require(fixture.state.enrolments["hengelo"]?.revocation)
        #expect(revocation.upToSeq == 2)
        #expect(revocation.ref.name == revoke.origin + ":\(revoke.seq)")

        let after = fixture.make("participation-changed", by: "hengelo", stop)
        let violation = Self.verdict(after, in: &fixture)
        #expect(violation?.rule == "enrolment")
        #expect(violation?.message.hasPrefix("revoked on 2025-03-01: ") == true, "\(String(describing: violation))")
        #expect(violation?.message.contains("laptop kwijt") == true)
        #expect(fixture.state.participation["welzijn-op-recept"]?["hengelo"]?.value == .bool(true), "the events before the revocation stay applied")
        #expect(fixture.state.decisions["raad-1"] != nil)
        #expect(fixture.state.problems.map(\.ref.name) == ["hengelo:3"])
    }

    @Test func theReplicasView() throws {
        var fixture = ProgrammeFixture()
        let revoke = fixture.make("replica-revoked", effective: "2025-03-01", #"{"replica": "menzis", "reason": "sleutel gelekt"}"#)
        #expect(fixture.state.apply(revoke) == nil)
        let rows = try #require(ProgrammeViews.replicas(fixture.state).arrayValue?.compactMap { $0.objectValue })
        #expect(rows.map { $0["replica"]?.stringValue ?? "" } == ["enschede", "hengelo", "menzis", "provincie-overijssel"])
        let enschede = rows[0]
        #expect(enschede["owner"] == .string("enschede"))
        #expect(enschede["key"] == .string(TestKeys.key("enschede").publicKeyHex))
        #expect(enschede["revoked"] == .null)
        let enrolled = try #require(enschede["enrolled"]?.objectValue)
        #expect(enrolled["event"] == .string(fixture.state.enrolments["enschede"]!.ref.name))
        #expect(enrolled["effective"] == .string("2025-01-15"))
        #expect(enrolled["recorded"] == .string(fixture.state.enrolments["enschede"]!.ref.hlc.description))
        let revoked = try #require(rows[2]["revoked"]?.objectValue)
        #expect(revoked["event"] == .string("\(revoke.origin):\(revoke.seq)"))
        #expect(revoked["effective"] == .string("2025-03-01"))
        #expect(revoked["reason"] == .string("sleutel gelekt"))
        #expect(revoked["upToSeq"] == .integer(0), "the fixture's menzis replica had recorded nothing")
        #expect(ProgrammeViews.all(fixture.state).objectValue?["replicas"] == ProgrammeViews.replicas(fixture.state))
    }

    /// Enrolments are facts about keys: a view of a date before the enrolment's effective date still honours it.
    @Test func atBeforeTheEnrolmentStillHonoursIt() {
        var maker = EventMaker()
        let events = [
            maker.make("owner-joined", effective: "2025-01-01", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#),
            maker.make("theme-defined", effective: "2025-01-01", #"{"theme": "jeugd", "name": "Jeugd"}"#),
            maker.make("project-started", effective: "2025-01-01", #"{"project": "kansrijke-start", "name": "Kansrijke start", "theme": "jeugd"}"#),
            maker.make("replica-enrolled", effective: "2025-06-01", TestKeys.enrolment(of: "almelo", owner: "almelo")),
            maker.make("participation-changed", by: "almelo", effective: "2025-02-01", #"{"project": "kansrijke-start", "municipality": "almelo", "participating": true}"#),
            maker.make("replica-revoked", effective: "2025-07-01", #"{"replica": "almelo", "reason": "fusie"}"#),
            maker.make("participation-changed", by: "almelo", effective: "2025-03-01", #"{"project": "kansrijke-start", "municipality": "almelo", "participating": false}"#),
        ]
        for at in ["2025-02-15", "2025-04-01", "2025-12-31"] {
            let state = ProgrammeHistory.state(of: events, cut: Cut(at: date(at)), trustedKeys: TestKeys.roots)
            #expect(state.participation["kansrijke-start"]?["almelo"]?.value == .bool(true), "at \(at)")
            #expect(state.enrolments["almelo"]?.revocation != nil, "at \(at): the revocation counts before its effective date too")
            // The stop (effective 1 March) is in effect from then on, and refused: it was recorded after the revocation.
            #expect(state.problems.map(\.ref.name) == (at < "2025-03-01" ? [] : ["almelo:2"]), "at \(at)")
            #expect(state.problems.allSatisfy { $0.violation.message.hasPrefix("revoked on 2025-07-01: ") })
        }
        let before = ProgrammeHistory.state(of: events, cut: Cut(at: date("2025-01-31")), trustedKeys: TestKeys.roots)
        #expect(before.participation.isEmpty, "the participation itself is not in effect yet")
        #expect(before.enrolments["almelo"] != nil)
    }

    @Test func aSnapshotRoundTripsTheEnrolments() throws {
        var fixture = ProgrammeFixture()
        #expect(fixture.state.apply(fixture.make("replica-revoked", #"{"replica": "menzis", "reason": "sleutel gelekt"}"#)) == nil)
        let restored = try ProgrammeState(snapshot: fixture.state.snapshot, trustedKeys: TestKeys.roots)
        #expect(restored.enrolments == fixture.state.enrolments)
        #expect(restored.trustedKeys == TestKeys.roots)
        #expect(ProgrammeViews.all(restored) == ProgrammeViews.all(fixture.state))
        // The restored state goes on under the same rules.
        let late = fixture.make("budget-amended", by: "menzis", #"{"line": "inkomsten-menzis-2025", "deltaCents": 100, "reason": "na intrekking"}"#)
        var next = restored
        let violation = next.apply(late)
        #expect(violation?.message.hasPrefix("revoked on ") == true)
    }
}
