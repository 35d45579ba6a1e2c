import EventLog
import Programme
import Testing

/// An id names one thing: an owner, theme line, project, partner, decision, budget line or subsidy application is created once.
@Suite struct DuplicateRuleTests {
    static let cases: [RuleCase] = [
        .accepted("a new owner", "owner-joined", #"{"owner": "almelo", "name": "Gemeente Almelo", "kind": "municipality"}"#),
        .refused("an owner joining twice", "owner-joined", #"{"owner": "enschede", "name": "Enschede", "kind": "municipality"}"#, rule: "duplicate", mentions: "enschede"),
        .accepted("a new theme line", "theme-defined", #"{"theme": "wonen", "name": "Wonen"}"#),
        .refused("a theme line defined twice", "theme-defined", #"{"theme": "jeugd", "name": "Jeugd en gezin"}"#, rule: "duplicate", mentions: "jeugd"),
        .accepted("a new project", "project-started", #"{"project": "nieuw", "name": "Nieuw", "theme": "jeugd"}"#),
        .refused("a project started twice", "project-started", #"{"project": "welzijn-op-recept", "name": "Welzijn", "theme": "jeugd"}"#, rule: "duplicate", mentions: "welzijn-op-recept"),
        .refused("an ended project started again", "project-started", #"{"project": "oud-project", "name": "Oud", "theme": "jeugd"}"#, rule: "duplicate"),
        .accepted("a new partner", "partner-registered", #"{"partner": "ggd", "name": "GGD Twente"}"#),
        .refused("a partner registered twice", "partner-registered", #"{"partner": "zorgaanbieder", "name": "Zorg"}"#, rule: "duplicate", mentions: "zorgaanbieder"),
        .accepted("a new decision", "decision-recorded", #"{"decision": "bo-3", "body": "bo", "date": "2025-03-01", "title": "T", "outcome": "noted"}"#),
        .refused("a decision recorded twice", "decision-recorded", #"{"decision": "bo-spuk", "body": "bo", "date": "2025-03-01", "title": "T", "outcome": "noted"}"#, rule: "duplicate", mentions: "bo-spuk"),
        .refused("a municipality reusing a decision id", "decision-recorded", by: "enschede", #"{"decision": "bo-spuk", "body": "enschede", "date": "2025-03-01", "title": "T", "outcome": "noted"}"#, rule: "duplicate"),
        .accepted("a new budget line", "budget-line-opened", #"{"line": "uitgaven-2026", "year": 2026, "side": "expense", "name": "Projecten"}"#),
        .refused("a budget line opened twice, even in another year", "budget-line-opened", #"{"line": "uitgaven-2025", "year": 2026, "side": "expense", "name": "Projecten"}"#, rule: "duplicate", mentions: "uitgaven-2025"),
        .accepted("a new subsidy application", "subsidy-requested", #"{"subsidy": "gezond-2025", "name": "GALA", "grantor": "VWS", "amountCents": 100}"#),
        .refused("a subsidy application made twice", "subsidy-requested", #"{"subsidy": "spuk-klein", "name": "SPUK", "grantor": "VWS", "amountCents": 100}"#, rule: "duplicate", mentions: "spuk-klein"),
    ]

    @Test(arguments: cases)
    func duplicates(_ rule: RuleCase) {
        rule.verify()
    }
}
