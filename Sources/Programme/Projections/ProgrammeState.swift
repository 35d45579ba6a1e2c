import EventLog

/// The current state of the programme: every thing the events describe, folded in the log's total order.
///
/// A pure fold: `apply` looks only at the event and the state, never at clocks, files or randomness,
/// so replicas holding the same events reach the same state.
public struct ProgrammeState: Sendable {
    public struct Owner: Sendable, Equatable {
        public var id: String
        public var name: String
        public var kind: String
        public var ref: EventRef
    }

    public struct Theme: Sendable, Equatable {
        public var id: String
        public var name: String
        public var description: String?
        public var ref: EventRef
    }

    /// A project with each changeable field kept as a register, and its full history.
    public struct Project: Sendable {
        public var id: String
        /// name, theme, status, lead, description.
        public var fields: [String: Register]
        public var started: EventRef
        public var ending: Ending?
        /// The events that touched the project, kept only for the projects the state was asked to track.
        public var history: [HistoryEntry]
        /// How many events touched the project, and the sum of their hashes (two 64-bit words, wrapping):
        /// the history in a few bytes for the digest, without keeping every entry in memory. The fold's
        /// order is fixed by the set of events, so a sum identifies the history as well as a chain would.
        public var historyCount = 0
        public var historySum: (UInt64, UInt64) = (0, 0)

        mutating func addToHistory(_ words: (UInt64, UInt64), _ entry: HistoryEntry?) {
            historyCount += 1
            historySum = (historySum.0 &+ words.0, historySum.1 &+ words.1)
            if let entry { history.append(entry) }
        }

        /// The sum as 32 hex digits.
        public var historyDigest: String {
            func hex(_ word: UInt64) -> String {
                let digits = String(word, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }
            return hex(historySum.0) + hex(historySum.1)
        }

        init(id: String, fields: [String: Register], started: EventRef, ending: Ending?, history: [HistoryEntry]) {
            self.id = id
            self.fields = fields
            self.started = started
            self.ending = ending
            self.history = history
        }

        public func text(_ field: String) -> String? { fields[field]?.value.stringValue }
        /// The status shown: the ending's outcome once ended, else the status field.
        public var status: String { ending?.outcome ?? text("status") ?? "running" }
    }

    public struct Ending: Sendable, Equatable {
        public var outcome: String
        public var into: String?
        public var ref: EventRef
    }

    /// One event that touched a thing: who recorded what, when, and from which source.
    public struct HistoryEntry: Sendable, Equatable {
        public var ref: EventRef
        /// The event's own members (without the common ones).
        public var changes: JSONObject
        public var source: JSONValue?
    }

    public struct Partner: Sendable, Equatable {
        public var id: String
        public var name: String
        public var kind: String?
        public var ref: EventRef
        /// Per link (`project:ID` or `theme:ID`, and role): whether it is linked.
        public var links: [LinkKey: Register]
    }

    public struct LinkKey: Sendable, Hashable {
        /// `project` or `theme`.
        public var targetKind: String
        public var target: String
        public var role: String
    }

    /// A decision: what the rules read kept inline, the rest in a shared box.
    ///
    /// A long programme holds tens of thousands of decisions, and the dictionary of them is laid out
    /// anew each time a snapshot is read: entries a third the size make that several times cheaper.
    public struct Decision: Sendable, Equatable {
        public let id: String
        public let body: String
        public let outcome: String
        public let subsidies: [String]
        let details: Details

        final class Details: Sendable {
            let date: String
            let title: String
            let projects: [String]
            let amountCents: Int64?
            let source: JSONValue?
            let ref: EventRef

            init(date: String, title: String, projects: [String], amountCents: Int64?, source: JSONValue?, ref: EventRef) {
                self.date = date
                self.title = title
                self.projects = projects
                self.amountCents = amountCents
                self.source = source
                self.ref = ref
            }
        }

        init(id: String, body: String, outcome: String, subsidies: [String], details: Details) {
            self.id = id
            self.body = body
            self.outcome = outcome
            self.subsidies = subsidies
            self.details = details
        }

        public var date: String { details.date }
        public var title: String { details.title }
        public var projects: [String] { details.projects }
        public var amountCents: Int64? { details.amountCents }
        public var source: JSONValue? { details.source }
        public var ref: EventRef { details.ref }

        public static func == (a: Decision, b: Decision) -> Bool {
            a.id == b.id && a.body == b.body && a.outcome == b.outcome && a.subsidies == b.subsidies && a.date == b.date
                && a.title == b.title && a.projects == b.projects && a.amountCents == b.amountCents && a.source == b.source
                && a.ref == b.ref
        }
    }

    public struct BudgetLine: Sendable, Equatable {
        public var id: String
        public var year: Int64
        public var side: String
        public var name: String
        public var theme: String?
        public var funder: String?
        /// A risk-reserve line: shown, but counted apart from the totals.
        public var reserve: Bool
        /// The opening amount plus every amendment: deltas add up, so concurrent amendments both count.
        public var amountCents: Int64
        public var amendments: [Amendment]
        public var source: JSONValue?
        public var ref: EventRef
    }

    public struct Amendment: Sendable, Equatable {
        public var deltaCents: Int64
        public var reason: String
        public var decision: String?
        public var ref: EventRef
    }

    public struct Subsidy: Sendable, Equatable {
        public var id: String
        public var name: String
        public var grantor: String
        public var amountCents: Int64
        public var year: Int64?
        public var projects: [String]
        public var decision: String?
        public var ref: EventRef
    }

    public struct IndicatorKey: Sendable, Hashable {
        public var project: String
        public var indicator: String
        public var period: String
        public var municipality: String?
    }

    /// A replica's key, enrolled by the programme office: the replica's events act for `owner` while signed with `key`.
    public struct Enrolment: Sendable, Equatable {
        public var replica: String
        public var owner: String
        /// The public key, 64 lowercase hex digits.
        public var key: String
        public var ref: EventRef
        public var revocation: Revocation?
    }

    /// The end of an enrolment.
    public struct Revocation: Sendable, Equatable {
        public var reason: String
        public var ref: EventRef
        /// What the office had seen of the replica when it revoked (the revocation's `clock[replica]`):
        /// the replica's events up to this seq still count, the later ones not.
        public var upToSeq: UInt64
    }

    /// An event that stays in the log but was not applied, and why.
    public struct Problem: Sendable, Equatable {
        public var ref: EventRef
        public var violation: RuleViolation
    }

    public internal(set) var owners: [String: Owner] = [:]
    public internal(set) var themes: [String: Theme] = [:]
    public internal(set) var projects: [String: Project] = [:]
    public internal(set) var partners: [String: Partner] = [:]
    /// Every decision; in a core state only those folded after its snapshot (`decision(_:)` finds them all).
    public internal(set) var decisions: [String: Decision] = [:]
    /// The decisions a core state read from its snapshot.
    var decisionsFromSnapshot = DecisionTable()
    public internal(set) var budgetLines: [String: BudgetLine] = [:]
    public internal(set) var subsidies: [String: Subsidy] = [:]
    /// Indicator values; the register holds `{"value": n, "unit": …}`.
    public internal(set) var indicators: [IndicatorKey: Register] = [:]
    /// Per project, per municipality: whether it takes part.
    public internal(set) var participation: [String: [String: Register]] = [:]
    /// Per replica id, its enrolment (revoked ones stay: a revoked replica is never enrolled again).
    public internal(set) var enrolments: [String: Enrolment] = [:]
    public internal(set) var problems: [Problem] = []
    /// The number of events folded in, applied or not.
    public internal(set) var eventCount = 0

    /// How much of the state there is: all of it, or its core (see `Scope`).
    public internal(set) var scope = Scope.whole

    /// A state read from a snapshot whole, or only its core.
    ///
    /// The core is which things exist and their own facts, without the long lists of what happened to
    /// them: budget amendments, indicators, participation, problems, and a decision's date, title,
    /// projects, amount, source and ref. Those are left empty, which makes a large snapshot several
    /// times faster to read; the decisions are kept apart (`decision(_:)` finds them). The rules read no
    /// more than the core, nor do the views of owners, themes, projects, partners, subsidies and
    /// replicas. A core state is never saved, and never shown beyond it.
    public enum Scope: Sendable { case whole, core }

    /// Projects whose full history is kept (for `koers project ID`); the others keep only the chain.
    public let trackedHistories: Set<String>

    /// The trusted root keys (this replica's `trust.json`): an event signed by one acts for the programme office.
    /// Local configuration, so no view shows them; the projection cache keeps snapshots apart per set of roots.
    public let trustedKeys: [TrustedKey]
    /// The names of `trustedKeys` by public key, for the check every event goes through.
    let rootNames: [String: String]
    /// The last signing key read, so that a run of events signed with one key reads it once (not in any view or snapshot).
    var signerKeys = SignerKeys()

    public init(trustedKeys: [TrustedKey] = [], trackingHistoryOf projects: Set<String> = []) {
        self.trustedKeys = trustedKeys
        // A key listed under two names acts once; either name identifies it.
        rootNames = Dictionary(trustedKeys.map { ($0.publicKey, $0.name) }, uniquingKeysWith: { first, _ in first })
        trackedHistories = projects
    }

    /// A decision by id. In a core state, one folded after the snapshot comes first: a decision recorded
    /// again replaces the earlier one, as in the fold.
    func decision(_ id: String) -> Decision? {
        decisions[id] ?? decisionsFromSnapshot[id]
    }

    /// The owner id of the programme office, which records programme-level facts.
    public static let programmeOffice = "programmabureau"
}
