import EventLog
import Programme
import Testing

/// An application above EUR 150,000 (15,000,000 cents) needs an adopted bo decision that names it; up to that, none.
@Suite struct SubsidyRuleTests {
    static func application(_ id: String, cents: Int64, decision: String? = nil) -> String {
        let cited = decision.map { #", "decision": "\#($0)""# } ?? ""
        return #"{"subsidy": "\#(id)", "name": "SPUK IZA", "grantor": "VWS", "amountCents": \#(cents)\#(cited)}"#
    }

    static let cases: [RuleCase] = [
        .accepted("exactly the threshold without decision", "subsidy-requested", application("spuk-groot", cents: 15_000_000)),
        .refused("one cent above the threshold without decision", "subsidy-requested", application("spuk-groot", cents: 15_000_001), rule: "subsidy-decision", mentions: "spuk-groot"),
        .accepted("a small application citing a decision that does not name it", "subsidy-requested", application("spuk-extra", cents: 200_000, decision: "bo-spuk")),
        .accepted("above the threshold with the adopted bo decision naming it", "subsidy-requested", application("spuk-groot", cents: 40_000_000, decision: "bo-spuk")),
        .refused("above the threshold with an ao decision naming it", "subsidy-requested", application("spuk-ao", cents: 40_000_000, decision: "ao-spuk"), rule: "subsidy-decision"),
        .refused("above the threshold with a rejected bo decision naming it", "subsidy-requested", application("spuk-afgewezen", cents: 40_000_000, decision: "bo-afgewezen"), rule: "subsidy-decision"),
        .refused("above the threshold with a bo decision naming another", "subsidy-requested", application("spuk-ander", cents: 40_000_000, decision: "bo-spuk"), rule: "subsidy-decision", mentions: "spuk-ander"),
        .refused("above the threshold with a decision that does not exist", "subsidy-requested", application("spuk-groot", cents: 40_000_000, decision: "bo-99"), rule: "unknown-reference"),
    ]

    @Test(arguments: cases)
    func subsidies(_ rule: RuleCase) {
        rule.verify()
    }

    /// The decision must come first in the log: the same application is refused before it and accepted after it.
    @Test func theDecisionMustPrecedeTheApplication() {
        var fixture = ProgrammeFixture()
        let json = Self.application("gala-2025", cents: 25_000_000, decision: "bo-gala")
        #expect(fixture.state.apply(fixture.make("subsidy-requested", json))?.rule == "unknown-reference")
        let decision = fixture.make("decision-recorded", #"{"decision": "bo-gala", "body": "bo", "date": "2025-02-01", "title": "GALA", "outcome": "adopted", "subsidies": ["gala-2025"]}"#)
        #expect(fixture.state.apply(decision) == nil)
        #expect(fixture.state.apply(fixture.make("subsidy-requested", json)) == nil)
        #expect(fixture.state.subsidies["gala-2025"]?.decision == "bo-gala")
    }
}
