import EventLog
import Programme
import Testing

/// Who may record what: the programme office the programme's facts; an owner only its own participation,
/// indicators, decisions and the funding it provides; someone who has not joined, nothing. (Who an event
/// speaks for rests on its key: see `KeyAuthorityTests`.)
@Suite struct AuthorisationRuleTests {
    static let participation = #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": true}"#
    static let officeDecision = #"{"decision": "bo-3", "body": "bo", "date": "2025-03-01", "title": "Werkplan", "outcome": "adopted"}"#

    static func decision(body: String) -> String {
        #"{"decision": "besluit-\#(body)", "body": "\#(body)", "date": "2025-03-01", "title": "Instemming", "outcome": "adopted", "projects": ["welzijn-op-recept"]}"#
    }

    static func amendment(line: String) -> String {
        #"{"line": "\#(line)", "deltaCents": 1000000, "reason": "extra bijdrage"}"#
    }

    static let officeCases: [RuleCase] = [
        .accepted("the office defines a theme", "theme-defined", #"{"theme": "wonen", "name": "Wonen"}"#),
        .accepted("the office starts a project", "project-started", #"{"project": "nieuw", "name": "Nieuw", "theme": "jeugd"}"#),
        .accepted("the office lets an owner join", "owner-joined", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#),
        .accepted("the office records a bo decision", "decision-recorded", officeDecision),
        .accepted("the office records an ao decision", "decision-recorded", decision(body: "ao")),
        .accepted("the office records a programmateam decision", "decision-recorded", decision(body: "programmateam")),
        .accepted("the office amends a funder's income line", "budget-amended", amendment(line: "inkomsten-menzis-2025")),
        .accepted("the office amends an expense line", "budget-amended", amendment(line: "uitgaven-2025")),
        .accepted("the office records a regional indicator", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 40}"#),
        .accepted("the office links a partner", "partner-linked", #"{"partner": "zorgaanbieder", "project": "welzijn-op-recept", "role": "uitvoerder"}"#),
        .refused("the office records a municipality's participation", "participation-changed", participation, rule: "authorisation", mentions: "municipality itself"),
        .refused("the office records a municipality's decision", "decision-recorded", decision(body: "enschede"), rule: "authorisation", mentions: "enschede"),
        .refused("the office records Menzis's decision", "decision-recorded", decision(body: "menzis"), rule: "authorisation", mentions: "menzis"),
    ]

    static let municipalityCases: [RuleCase] = [
        .accepted("a municipality records its own participation", "participation-changed", by: "enschede", participation),
        .accepted("a municipality records that it stops", "participation-changed", by: "enschede", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": false}"#),
        .accepted("a municipality records its own indicator", "indicator-recorded", by: "enschede", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 7, "municipality": "enschede"}"#),
        .accepted("a municipality records its own decision", "decision-recorded", by: "enschede", decision(body: "enschede")),
        .refused("a municipality records another's participation", "participation-changed", by: "hengelo", participation, rule: "authorisation", mentions: "hengelo"),
        .refused("a municipality records another's indicator", "indicator-recorded", by: "hengelo", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 7, "municipality": "enschede"}"#, rule: "authorisation"),
        .refused("a municipality records a regional indicator", "indicator-recorded", by: "enschede", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q1", "value": 7}"#, rule: "authorisation"),
        .refused("a municipality records another's decision", "decision-recorded", by: "hengelo", decision(body: "enschede"), rule: "authorisation"),
        .refused("a municipality records a bo decision", "decision-recorded", by: "enschede", officeDecision, rule: "authorisation"),
        .refused("a municipality starts a project", "project-started", by: "enschede", #"{"project": "nieuw", "name": "Nieuw", "theme": "jeugd"}"#, rule: "authorisation"),
        .refused("a municipality changes a project", "project-changed", by: "enschede", #"{"project": "welzijn-op-recept", "status": "paused"}"#, rule: "authorisation"),
        .refused("a municipality amends the budget", "budget-amended", by: "enschede", amendment(line: "uitgaven-2025"), rule: "authorisation"),
        .refused("a municipality lets an owner join", "owner-joined", by: "enschede", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#, rule: "authorisation"),
    ]

    static let funderCases: [RuleCase] = [
        .accepted("Menzis records its own decision", "decision-recorded", by: "menzis", decision(body: "menzis")),
        .accepted("Menzis amends the income line it funds", "budget-amended", by: "menzis", amendment(line: "inkomsten-menzis-2025")),
        .accepted("the province records its own decision", "decision-recorded", by: "provincie-overijssel", decision(body: "provincie-overijssel")),
        .accepted("the province amends the income line it funds", "budget-amended", by: "provincie-overijssel", amendment(line: "inkomsten-provincie-2025")),
        .refused("Menzis amends the province's income line", "budget-amended", by: "menzis", amendment(line: "inkomsten-provincie-2025"), rule: "authorisation"),
        .refused("Menzis amends an income line without funder", "budget-amended", by: "menzis", amendment(line: "inkomsten-spuk-2025"), rule: "authorisation"),
        .refused("Menzis amends an expense line", "budget-amended", by: "menzis", amendment(line: "uitgaven-2025"), rule: "authorisation"),
        .refused("Menzis amends a line that does not exist", "budget-amended", by: "menzis", amendment(line: "bestaat-niet"), rule: "authorisation"),
        .refused("Menzis records a bo decision", "decision-recorded", by: "menzis", officeDecision, rule: "authorisation", mentions: "menzis"),
        .refused("Menzis records the province's decision", "decision-recorded", by: "menzis", decision(body: "provincie-overijssel"), rule: "authorisation"),
        .refused("the province records Menzis's decision", "decision-recorded", by: "provincie-overijssel", decision(body: "menzis"), rule: "authorisation"),
        .refused("Menzis records participation", "participation-changed", by: "menzis", #"{"project": "welzijn-op-recept", "municipality": "menzis", "participating": true}"#, rule: "authorisation"),
        .refused("Menzis records an indicator", "indicator-recorded", by: "menzis", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025", "value": 1, "municipality": "menzis"}"#, rule: "authorisation"),
        .refused("Menzis changes a project", "project-changed", by: "menzis", #"{"project": "welzijn-op-recept", "lead": "Menzis"}"#, rule: "authorisation"),
        .refused("the province opens a budget line", "budget-line-opened", by: "provincie-overijssel", #"{"line": "nieuw-2026", "year": 2026, "side": "income", "name": "Nieuw", "funder": "provincie-overijssel"}"#, rule: "authorisation"),
        .refused("the province requests a subsidy", "subsidy-requested", by: "provincie-overijssel", #"{"subsidy": "s-1", "name": "S", "grantor": "VWS", "amountCents": 100}"#, rule: "authorisation"),
    ]

    /// Someone who has not joined cannot have its replica enrolled, so its key counts for no one.
    static let strangerCases: [RuleCase] = [
        .refused("an evaluator defines a theme", "theme-defined", by: "evaluator", #"{"theme": "wonen", "name": "Wonen"}"#, rule: "enrolment", mentions: "replica 'evaluator' is not enrolled"),
        .refused("an evaluator records its own decision", "decision-recorded", by: "evaluator", decision(body: "evaluator"), rule: "enrolment", mentions: "replica 'evaluator' is not enrolled"),
        .refused("an evaluator records an indicator", "indicator-recorded", by: "evaluator", #"{"project": "welzijn-op-recept", "indicator": "tevredenheid", "period": "2025", "value": 8}"#, rule: "enrolment"),
        .refused("a municipality that has not joined records its participation", "participation-changed", by: "almelo", #"{"project": "welzijn-op-recept", "municipality": "almelo", "participating": true}"#, rule: "enrolment", mentions: "replica 'almelo' is not enrolled"),
        .refused("an outsider lets itself join", "owner-joined", by: "almelo", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#, rule: "enrolment"),
        .refused("the office enrols the replica of an owner that has not joined", "replica-enrolled", TestKeys.enrolment(of: "evaluator", owner: "evaluator"), rule: "unknown-reference", mentions: "'evaluator'"),
    ]

    /// An owner may record decisions of the body that bears its own id, so no owner may bear the id of a programme body.
    static let bodyNames: [RuleCase] = EventCatalogue.programmeBodies.map { body in
        .refused("an owner named '\(body)'", "owner-joined", #"{"owner": "\#(body)", "name": "Gemeente \#(body)", "kind": "municipality"}"#, rule: "form", mentions: "data.owner")
    }

    @Test(arguments: officeCases) func programmeOffice(_ rule: RuleCase) { rule.verify() }
    @Test(arguments: bodyNames) func noOwnerBearsTheNameOfAProgrammeBody(_ rule: RuleCase) { rule.verify() }
    @Test(arguments: municipalityCases) func municipality(_ rule: RuleCase) { rule.verify() }
    @Test(arguments: funderCases) func fundersAndProvince(_ rule: RuleCase) { rule.verify() }
    @Test(arguments: strangerCases) func ownersThatHaveNotJoined(_ rule: RuleCase) { rule.verify() }

    /// A municipality may record its participation once it has joined and its replica is enrolled, not before.
    @Test func joiningGivesTheRight() {
        var fixture = ProgrammeFixture()
        let json = #"{"project": "welzijn-op-recept", "municipality": "almelo", "participating": true}"#
        let early = fixture.make("participation-changed", by: "almelo", json)
        #expect(fixture.state.apply(early)?.rule == "enrolment")
        let joined = fixture.make("owner-joined", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#)
        #expect(fixture.state.apply(joined) == nil)
        let enrolled = fixture.make("replica-enrolled", TestKeys.enrolment(of: "almelo", owner: "almelo"))
        #expect(fixture.state.apply(enrolled) == nil)
        let later = fixture.make("participation-changed", by: "almelo", json)
        #expect(fixture.state.apply(later) == nil)
        #expect(fixture.state.participation["welzijn-op-recept"]?["almelo"]?.value == .bool(true))
        #expect(fixture.state.problems.map(\.ref.name) == ["almelo:1"])
    }
}
