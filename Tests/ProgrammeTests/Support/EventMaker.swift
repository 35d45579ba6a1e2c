import EventLog
import Programme

/// Parses a JSON object literal for event data, e.g. `data(#"{"project": "x"}"#)`; a typo is a test bug, so it traps.
func data(_ json: String) -> JSONObject {
    do {
        guard let object = try JSONValue(parsing: json).objectValue else { fatalError("not a JSON object: \(json)") }
        return object
    } catch {
        fatalError("bad JSON in a test: \(json): \(error)")
    }
}

/// Milliseconds since 1970 of an instant such as `2025-05-12T10:00:00Z` (or a date, meaning its midnight UTC).
func millis(_ instant: String) -> Int64 {
    do { return try WallClock.nowMillis(environment: ["KOERS_NOW": instant]) } catch {
        fatalError("bad instant in a test: \(instant)")
    }
}

func date(_ text: String) -> LocalDate {
    guard let date = LocalDate(parsing: text) else { fatalError("bad date in a test: \(text)") }
    return date
}

/// Builds sealed events by hand as one linear history: every event has seen all the events made before it.
///
/// The origin of an event is the owner it is recorded by (unless given; the office's replica for an event
/// without an owner), and its data gets `recordedBy` unless the data already names one (or `recordedBy`
/// is nil, to build an event without it). Every event
/// is signed with its origin's test key (`TestKeys`); a test that needs another signature replaces `sig`,
/// which the hash does not cover.
struct EventMaker {
    private(set) var vector = VersionVector()
    private var previous: [String: String] = [:]
    private var keys: [String: Ed25519.SigningKey] = [:]
    private var clock = HybridClock()
    var wallMillis: Int64 = millis("2025-01-06T09:00:00Z")

    mutating func make(
        _ type: String, by owner: String? = ProgrammeState.programmeOffice, origin: String? = nil,
        effective: String = "2025-01-15", _ json: String
    ) -> Event {
        var payload = data(json)
        if let owner, payload["recordedBy"] == nil { payload["recordedBy"] = .string(owner) }
        let origin = origin ?? owner ?? ProgrammeState.programmeOffice
        vector[origin] += 1
        wallMillis += 60_000
        var event = Event(
            origin: origin, seq: vector[origin], clock: vector, hlc: clock.tick(wallMillis: wallMillis),
            effective: date(effective), type: type, data: payload, prev: previous[origin]
        ).sealed()
        let key = keys[origin] ?? TestKeys.key(origin)
        keys[origin] = key
        event.sig = key.eventSignature(origin: origin, seq: event.seq, hash: event.hash)
        previous[origin] = event.hash
        return event
    }
}

/// The programme every rule test starts from: owners of each kind with their replicas enrolled, theme lines,
/// projects (one ended), a partner, decisions of bo and ao, budget lines with and without a funder, and a
/// small subsidy. The state trusts the office's test key as its root.
struct ProgrammeFixture {
    /// The owners whose replicas (named like the owner) the fixture enrols.
    static let enrolledOwners = ["enschede", "hengelo", "menzis", "provincie-overijssel"]

    var maker = EventMaker()
    var state = ProgrammeState.trustingTestOffice()
    var events: [Event] = []

    /// A copy of the one fixture built: signing every setup event again for each test would cost more than the tests.
    init() {
        self = Self.built
    }

    private static let built = ProgrammeFixture(building: ())

    private init(building: Void) {
        let office = ProgrammeState.programmeOffice
        let setup: [(String, String)] = [
            ("owner-joined", #"{"owner": "enschede", "name": "Gemeente Enschede", "kind": "municipality"}"#),
            ("owner-joined", #"{"owner": "hengelo", "name": "Gemeente Hengelo", "kind": "municipality"}"#),
            ("owner-joined", #"{"owner": "menzis", "name": "Menzis", "kind": "insurer"}"#),
            ("owner-joined", #"{"owner": "provincie-overijssel", "name": "Provincie Overijssel", "kind": "province"}"#),
        ] + Self.enrolledOwners.map { ("replica-enrolled", TestKeys.enrolment(of: $0, owner: $0)) } + [
            ("theme-defined", #"{"theme": "gezond-leven", "name": "Gezond leven"}"#),
            ("theme-defined", #"{"theme": "jeugd", "name": "Jeugd", "description": "Kansrijk opgroeien"}"#),
            ("project-started", #"{"project": "welzijn-op-recept", "name": "Welzijn op recept", "theme": "gezond-leven"}"#),
            ("project-started", #"{"project": "kansrijke-start", "name": "Kansrijke start", "theme": "jeugd", "status": "planned"}"#),
            ("project-started", #"{"project": "oud-project", "name": "Oud project", "theme": "jeugd"}"#),
            ("project-ended", #"{"project": "oud-project", "outcome": "completed"}"#),
            ("partner-registered", #"{"partner": "zorgaanbieder", "name": "Zorgaanbieder Twente", "kind": "care provider"}"#),
            ("decision-recorded", #"{"decision": "bo-spuk", "body": "bo", "date": "2025-01-10", "title": "SPUK aanvraag", "outcome": "adopted", "subsidies": ["spuk-groot"]}"#),
            ("decision-recorded", #"{"decision": "ao-spuk", "body": "ao", "date": "2025-01-10", "title": "SPUK via AO", "outcome": "adopted", "subsidies": ["spuk-ao"]}"#),
            ("decision-recorded", #"{"decision": "bo-afgewezen", "body": "bo", "date": "2025-01-10", "title": "Afgewezen", "outcome": "rejected", "subsidies": ["spuk-afgewezen"]}"#),
            ("budget-line-opened", #"{"line": "inkomsten-menzis-2025", "year": 2025, "side": "income", "name": "Bijdrage Menzis", "funder": "menzis", "amountCents": 50000000}"#),
            ("budget-line-opened", #"{"line": "inkomsten-provincie-2025", "year": 2025, "side": "income", "name": "Bijdrage provincie", "funder": "provincie-overijssel", "amountCents": 20000000}"#),
            ("budget-line-opened", #"{"line": "inkomsten-spuk-2025", "year": 2025, "side": "income", "name": "SPUK", "amountCents": 30000000}"#),
            ("budget-line-opened", #"{"line": "uitgaven-2025", "year": 2025, "side": "expense", "name": "Projecten", "theme": "jeugd", "amountCents": 60000000}"#),
            ("subsidy-requested", #"{"subsidy": "spuk-klein", "name": "SPUK IZA", "grantor": "VWS", "amountCents": 1000000}"#),
        ]
        for (type, json) in setup {
            let event = maker.make(type, by: office, json)
            events.append(event)
            if let violation = state.apply(event) { fatalError("the fixture breaks a rule: \(type) \(json): \(violation)") }
        }
    }

    /// A new event after the fixture's.
    mutating func make(_ type: String, by owner: String? = ProgrammeState.programmeOffice, effective: String = "2025-01-15", _ json: String) -> Event {
        maker.make(type, by: owner, effective: effective, json)
    }
}

/// Every view except the problems list: what a refused event must leave unchanged.
func viewsWithoutProblems(_ state: ProgrammeState) -> JSONValue {
    var object = ProgrammeViews.all(state).objectValue!
    object["problems"] = nil
    return .object(object)
}
