import EventLog
import Programme
import Testing

/// Every id an event names must exist at its place in the log, and an ended project takes no more changes.
@Suite struct ReferenceRuleTests {
    static let cases: [RuleCase] = [
        .accepted("a project of an existing theme", "project-started", #"{"project": "nieuw", "name": "Nieuw", "theme": "jeugd"}"#),
        .refused("a project of an unknown theme", "project-started", #"{"project": "nieuw", "name": "Nieuw", "theme": "sport"}"#, rule: "unknown-reference", mentions: "sport"),
        .accepted("a project moved to an existing theme", "project-changed", #"{"project": "welzijn-op-recept", "theme": "jeugd"}"#),
        .refused("a project moved to an unknown theme", "project-changed", #"{"project": "welzijn-op-recept", "theme": "sport"}"#, rule: "unknown-reference", mentions: "data.theme"),
        .refused("a change of an unknown project", "project-changed", #"{"project": "bestaat-niet", "status": "paused"}"#, rule: "unknown-reference", mentions: "bestaat-niet"),
        .refused("the end of an unknown project", "project-ended", #"{"project": "bestaat-niet", "outcome": "stopped"}"#, rule: "unknown-reference"),
        .refused("participation in an unknown project", "participation-changed", by: "enschede", #"{"project": "bestaat-niet", "municipality": "enschede", "participating": true}"#, rule: "unknown-reference"),
        .refused("an indicator of an unknown project", "indicator-recorded", #"{"project": "bestaat-niet", "indicator": "deelnemers", "period": "2025", "value": 3}"#, rule: "unknown-reference"),
        .refused("an indicator of a municipality that is an insurer", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025", "value": 3, "municipality": "menzis"}"#, rule: "unknown-reference", mentions: "menzis"),
        .refused("an indicator of a municipality that has not joined", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025", "value": 3, "municipality": "almelo"}"#, rule: "unknown-reference", mentions: "almelo"),
        .accepted("a partner linked to a theme", "partner-linked", #"{"partner": "zorgaanbieder", "theme": "jeugd", "role": "trekker"}"#),
        .refused("a partner linked to an unknown project", "partner-linked", #"{"partner": "zorgaanbieder", "project": "bestaat-niet", "role": "uitvoerder"}"#, rule: "unknown-reference"),
        .refused("a partner linked to an unknown theme", "partner-linked", #"{"partner": "zorgaanbieder", "theme": "sport", "role": "trekker"}"#, rule: "unknown-reference"),
        .refused("an unknown partner linked", "partner-linked", #"{"partner": "ggd", "project": "welzijn-op-recept", "role": "uitvoerder"}"#, rule: "unknown-reference", mentions: "ggd"),
        .refused("an unknown partner unlinked", "partner-unlinked", #"{"partner": "ggd", "project": "welzijn-op-recept", "role": "uitvoerder"}"#, rule: "unknown-reference", mentions: "ggd"),
        .accepted("a decision about existing projects", "decision-recorded", #"{"decision": "bo-3", "body": "bo", "date": "2025-03-01", "title": "T", "outcome": "adopted", "projects": ["welzijn-op-recept", "kansrijke-start"]}"#),
        .refused("a decision about an unknown project", "decision-recorded", #"{"decision": "bo-3", "body": "bo", "date": "2025-03-01", "title": "T", "outcome": "adopted", "projects": ["welzijn-op-recept", "bestaat-niet"]}"#, rule: "unknown-reference", mentions: "bestaat-niet"),
        .accepted("a budget line of an existing theme and funder", "budget-line-opened", #"{"line": "menzis-2026", "year": 2026, "side": "income", "name": "Menzis", "theme": "jeugd", "funder": "menzis"}"#),
        .refused("a budget line of an unknown theme", "budget-line-opened", #"{"line": "sport-2026", "year": 2026, "side": "expense", "name": "Sport", "theme": "sport"}"#, rule: "unknown-reference"),
        .refused("a budget line of an unknown funder", "budget-line-opened", #"{"line": "vgz-2026", "year": 2026, "side": "income", "name": "VGZ", "funder": "vgz"}"#, rule: "unknown-reference", mentions: "vgz"),
        .accepted("an amendment citing an existing decision", "budget-amended", #"{"line": "uitgaven-2025", "deltaCents": 500, "reason": "besluit", "decision": "bo-spuk"}"#),
        .refused("an amendment of an unknown budget line", "budget-amended", #"{"line": "uitgaven-2030", "deltaCents": 500, "reason": "r"}"#, rule: "unknown-reference", mentions: "uitgaven-2030"),
        .refused("an amendment citing an unknown decision", "budget-amended", #"{"line": "uitgaven-2025", "deltaCents": 500, "reason": "r", "decision": "bo-99"}"#, rule: "unknown-reference", mentions: "bo-99"),
        .refused("a subsidy for an unknown project", "subsidy-requested", #"{"subsidy": "s-2", "name": "S", "grantor": "VWS", "amountCents": 100, "projects": ["bestaat-niet"]}"#, rule: "unknown-reference"),
        .refused("a subsidy citing an unknown decision", "subsidy-requested", #"{"subsidy": "s-2", "name": "S", "grantor": "VWS", "amountCents": 100, "decision": "bo-99"}"#, rule: "unknown-reference"),
        .accepted("a project merged into an existing one", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "merged", "into": "kansrijke-start"}"#),
        .refused("a project merged into an unknown one", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "merged", "into": "bestaat-niet"}"#, rule: "unknown-reference", mentions: "data.into"),
        .refused("a project merged into an ended one", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "merged", "into": "oud-project"}"#, rule: "project-ended", mentions: "data.into"),
        .refused("a project merged into itself", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "merged", "into": "welzijn-op-recept"}"#, rule: "form"),
        .refused("a merge without into", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "merged"}"#, rule: "form", mentions: "data.into"),
        .refused("into without a merge", "project-ended", #"{"project": "welzijn-op-recept", "outcome": "stopped", "into": "kansrijke-start"}"#, rule: "form", mentions: "data.into"),
        .accepted("a running project ends", "project-ended", #"{"project": "kansrijke-start", "outcome": "completed"}"#),
        .refused("a change after the end", "project-changed", #"{"project": "oud-project", "status": "running"}"#, rule: "project-ended", mentions: "oud-project"),
        .refused("a second end", "project-ended", #"{"project": "oud-project", "outcome": "stopped"}"#, rule: "project-ended", mentions: "oud-project"),
    ]

    @Test(arguments: cases)
    func references(_ rule: RuleCase) {
        rule.verify()
    }
}
