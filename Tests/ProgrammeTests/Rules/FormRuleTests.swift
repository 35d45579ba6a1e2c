import EventLog
import Programme
import Testing

/// The form of an event's data: known type, known members, required members present, each of the right kind.
@Suite struct FormRuleTests {
    static let cases: [RuleCase] = [
        .accepted("a known type with its required members", "theme-defined", #"{"theme": "wonen", "name": "Wonen"}"#),
        .refused("an unknown type", "theme-renamed", #"{"theme": "jeugd", "name": "Jong"}"#, rule: "unknown-type", mentions: "theme-renamed"),
        .accepted("optional and common members", "theme-defined", #"{"theme": "wonen", "name": "Wonen", "description": "Thuis", "assumed": true, "assumedReason": "geen datum in de bron", "planned": false, "source": {"document": "plan.pdf", "quote": "wonen"}}"#),
        .refused("an unknown member", "theme-defined", #"{"theme": "wonen", "name": "Wonen", "colour": "red"}"#, rule: "form", mentions: "data.colour"),
        .refused("a missing required member", "project-started", #"{"project": "nieuw", "name": "Nieuw"}"#, rule: "form", mentions: "data.theme"),
        .accepted("an integer year", "budget-line-opened", #"{"line": "nieuw-2026", "year": 2026, "side": "income", "name": "Nieuw"}"#),
        .refused("a string for an integer", "budget-line-opened", #"{"line": "nieuw-2026", "year": "2026", "side": "income", "name": "Nieuw"}"#, rule: "form", mentions: "data.year"),
        .accepted("whole cents", "budget-amended", #"{"line": "uitgaven-2025", "deltaCents": -250000, "reason": "bezuiniging"}"#),
        .refused("a string for cents", "budget-amended", #"{"line": "uitgaven-2025", "deltaCents": "250000", "reason": "bezuiniging"}"#, rule: "form", mentions: "data.deltaCents"),
        .refused("a bad identifier", "theme-defined", #"{"theme": "Gezond_Leven", "name": "Gezond"}"#, rule: "form", mentions: "Gezond_Leven"),
        .refused("an identifier starting with '-'", "partner-registered", #"{"partner": "-ggd", "name": "GGD"}"#, rule: "form", mentions: "data.partner"),
        .refused("a bad identifier in a list", "decision-recorded", #"{"decision": "bo-2", "body": "bo", "date": "2025-02-01", "title": "T", "outcome": "noted", "projects": ["Welzijn"]}"#, rule: "form", mentions: "data.projects"),
        .accepted("a real date", "decision-recorded", #"{"decision": "bo-2", "body": "bo", "date": "2024-02-29", "title": "T", "outcome": "noted"}"#),
        .refused("a date that does not exist", "decision-recorded", #"{"decision": "bo-2", "body": "bo", "date": "2025-02-29", "title": "T", "outcome": "noted"}"#, rule: "form", mentions: "data.date"),
        .refused("a date with a time", "decision-recorded", #"{"decision": "bo-2", "body": "bo", "date": "2025-02-01T10:00:00Z", "title": "T", "outcome": "noted"}"#, rule: "form", mentions: "data.date"),
        .accepted("a year period", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025", "value": 12}"#),
        .accepted("a half-year period", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-H2", "value": 12}"#),
        .accepted("a quarter period", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q4", "value": 12}"#),
        .accepted("a month period", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-12", "value": 12}"#),
        .refused("a fifth quarter", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-Q5", "value": 12}"#, rule: "form", mentions: "data.period"),
        .refused("a thirteenth month", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-13", "value": 12}"#, rule: "form", mentions: "data.period"),
        .refused("a third half-year", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-H3", "value": 12}"#, rule: "form", mentions: "data.period"),
        .refused("a date for a period", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025-03-01", "value": 12}"#, rule: "form", mentions: "data.period"),
        .refused("a string for an indicator value", "indicator-recorded", #"{"project": "welzijn-op-recept", "indicator": "deelnemers", "period": "2025", "value": "12"}"#, rule: "form", mentions: "data.value"),
        .accepted("a listed choice", "project-changed", #"{"project": "welzijn-op-recept", "status": "paused"}"#),
        .refused("a choice not listed", "project-changed", #"{"project": "welzijn-op-recept", "status": "finished"}"#, rule: "form", mentions: "finished"),
        .refused("an owner kind not listed", "owner-joined", #"{"owner": "twence", "name": "Twence", "kind": "company"}"#, rule: "form", mentions: "data.kind"),
        .refused("a string for a bool", "participation-changed", by: "enschede", #"{"project": "welzijn-op-recept", "municipality": "enschede", "participating": "yes"}"#, rule: "form", mentions: "data.participating"),
        .refused("an empty text", "theme-defined", #"{"theme": "wonen", "name": ""}"#, rule: "form", mentions: "data.name"),
        .refused("a source without a document", "theme-defined", #"{"theme": "wonen", "name": "Wonen", "source": {"quote": "wonen"}}"#, rule: "form", mentions: "data.source"),
        .refused("a project change without a field", "project-changed", #"{"project": "welzijn-op-recept"}"#, rule: "form"),
        .refused("a funder on an expense line", "budget-line-opened", #"{"line": "nieuw-2026", "year": 2026, "side": "expense", "name": "Nieuw", "funder": "menzis"}"#, rule: "form", mentions: "data.funder"),
        .refused("a link to both a project and a theme", "partner-linked", #"{"partner": "zorgaanbieder", "project": "welzijn-op-recept", "theme": "jeugd", "role": "uitvoerder"}"#, rule: "form"),
        .refused("a link to neither a project nor a theme", "partner-linked", #"{"partner": "zorgaanbieder", "role": "uitvoerder"}"#, rule: "form"),
        .refused("the programme office joining as an owner", "owner-joined", #"{"owner": "programmabureau", "name": "Programmabureau", "kind": "public-body"}"#, rule: "form", mentions: "data.owner"),
        .refused("data without recordedBy", "theme-defined", by: nil, #"{"theme": "wonen", "name": "Wonen"}"#, rule: "authorisation", mentions: "recordedBy"),
        .refused("a recordedBy that is not an identifier", "theme-defined", by: nil, #"{"theme": "wonen", "name": "Wonen", "recordedBy": "Programma Bureau"}"#, rule: "form", mentions: "data.recordedBy"),
    ]

    @Test(arguments: cases)
    func form(_ rule: RuleCase) {
        rule.verify()
    }

    /// Every type of the catalogue is known to the form check, and needs each of its required members.
    @Test(arguments: EventCatalogue.types.map(\.name))
    func everyRequiredMemberIsRequired(_ typeName: String) throws {
        let type = try #require(EventCatalogue.type(named: typeName))
        let required = type.members.filter(\.required)
        #expect(!required.isEmpty, "\(typeName) has no required member")
        for member in required {
            var members: [(String, JSONValue)] = []
            for other in required where other.name != member.name { members.append((other.name, Self.sample(other.kind))) }
            do {
                try EventCatalogue.checkForm(type: typeName, data: JSONObject(uniqueMembers: members))
                Issue.record("\(typeName) without \(member.name) passed the form check")
            } catch {
                #expect(error.rule == "form")
                #expect(error.message.contains("data.\(member.name)"), "\(error)")
            }
        }
        let complete = JSONObject(uniqueMembers: required.map { ($0.name, Self.sample($0.kind)) })
        #expect(throws: Never.self, "\(typeName) with every required member") {
            try EventCatalogue.checkForm(type: typeName, data: complete)
        }
    }

    static func sample(_ kind: EventCatalogue.Kind) -> JSONValue {
        switch kind {
        case .id: .string("x")
        case .ids: .array([.string("x")])
        case .text: .string("tekst")
        case .integer, .cents: .integer(1)
        case .bool: .bool(true)
        case .date: .string("2025-01-01")
        case .period: .string("2025-Q1")
        case .choice(let words): .string(words[0])
        case .source: .object([("document", .string("d.pdf"))])
        case .publicKey: .string(TestKeys.office.publicKeyHex)
        }
    }
}
