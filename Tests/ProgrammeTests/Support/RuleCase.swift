import EventLog
import Programme
import Testing

/// One event to try against the `ProgrammeFixture`, and what the rules must say: accepted (nil) or refused by the named rule.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var type: String
    var by: String?
    var json: String
    /// The rule that must refuse it, or nil when it must be accepted.
    var refusedBy: String?
    /// A part of the message that must appear (the member or value at fault).
    var mentions: String?

    init(_ name: String, _ type: String, by: String? = ProgrammeState.programmeOffice, _ json: String, refusedBy: String? = nil, mentions: String? = nil) {
        self.name = name
        self.type = type
        self.by = by
        self.json = json
        self.refusedBy = refusedBy
        self.mentions = mentions
    }

    static func accepted(_ name: String, _ type: String, by: String? = ProgrammeState.programmeOffice, _ json: String) -> RuleCase {
        RuleCase(name, type, by: by, json)
    }

    static func refused(_ name: String, _ type: String, by: String? = ProgrammeState.programmeOffice, _ json: String, rule: String, mentions: String? = nil) -> RuleCase {
        RuleCase(name, type, by: by, json, refusedBy: rule, mentions: mentions)
    }

    var testDescription: String { "\(refusedBy == nil ? "accepted" : "refused"): \(name)" }

    /// Applies the case's event to a fresh fixture and checks the verdict of `check` and `apply`, and what changed.
    func verify(sourceLocation: SourceLocation = #_sourceLocation) {
        var fixture = ProgrammeFixture()
        let event = fixture.make(type, by: by, json)
        let before = fixture.state
        var checked: RuleViolation?
        do { try before.check(event) } catch { checked = error }
        var after = before
        let applied = after.apply(event)
        #expect(checked == applied, "check and apply disagree on \(name)", sourceLocation: sourceLocation)
        // `koers record` checks against a snapshot read only as far as the rules read it: the same verdict.
        do {
            var forRules = try ProgrammeState(snapshot: before.snapshot, trustedKeys: before.trustedKeys, scope: .core)
            #expect(forRules.apply(event) == applied, "\(name): the state read for the rules gives another verdict", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(name): the snapshot does not read back for the rules: \(error)", sourceLocation: sourceLocation)
        }
        #expect(after.eventCount == before.eventCount + 1, sourceLocation: sourceLocation)
        if let refusedBy {
            #expect(applied?.rule == refusedBy, "\(name): expected rule \(refusedBy), got \(applied.map { "\($0)" } ?? "accepted")", sourceLocation: sourceLocation)
            if let mentions, let applied {
                #expect(applied.message.contains(mentions), "\(name): '\(applied.message)' should mention '\(mentions)'", sourceLocation: sourceLocation)
            }
            #expect(after.problems.count == before.problems.count + 1, sourceLocation: sourceLocation)
            #expect(after.problems.last?.ref.name == "\(event.origin):\(event.seq)", sourceLocation: sourceLocation)
            #expect(after.problems.last?.violation == applied, sourceLocation: sourceLocation)
            let unchanged = viewsWithoutProblems(after) == viewsWithoutProblems(before)
            #expect(unchanged, "\(name): a refused event changed a view", sourceLocation: sourceLocation)
        } else {
            #expect(applied == nil, "\(name): refused: \(applied.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
            #expect(after.problems == before.problems, sourceLocation: sourceLocation)
            let changed = viewsWithoutProblems(after) != viewsWithoutProblems(before)
            #expect(changed, "\(name): an accepted event changed no view", sourceLocation: sourceLocation)
        }
    }
}
