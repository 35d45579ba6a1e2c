import EventLog

/// The Twentse Koers event types and the members of each type's data: the catalogue that `record`, `import` and the rules share.
///
/// Member names are camelCase in JSON and kebab-case on the command line (`deltaCents` is `--delta-cents`).
/// Every event may also carry the common members: `source` ({document, quote}), `assumed`,
/// `assumedReason`, `planned`, and `recordedBy` (the owner the event is recorded for, filled in by koers; the rules
/// hold it to the owner the event's signing key acts for).
public enum EventCatalogue {
    /// What a member holds.
    public enum Kind: Sendable, Equatable {
        /// An identifier `[a-z0-9][a-z0-9-]{0,63}`.
        case id
        /// A list of identifiers (comma-separated on the command line).
        case ids
        case text
        /// A whole number.
        case integer
        /// An amount in whole euro cents.
        case cents
        case bool
        /// A calendar date `YYYY-MM-DD`.
        case date
        /// A reporting period: `YYYY`, `YYYY-Hn`, `YYYY-Qn` or `YYYY-MM`.
        case period
        /// One of a fixed set of words.
        case choice([String])
        /// `{"document": …, "quote": …}`: where a fact comes from.
        case source
        /// An Ed25519 public key: 64 lowercase hex digits, as `koers key show` prints it.
        case publicKey
    }

    /// One member of an event type's data.
    public struct Member: Sendable {
        public var name: String
        public var kind: Kind
        public var required: Bool
        public var help: String
    }

    /// One event type.
    public struct EventType: Sendable {
        public var name: String
        public var summary: String
        public var members: [Member]
        /// Who may record it, in words (the rule itself is in `ProgrammeState.check`).
        public var recordedBy: String
    }

    public static let ownerKinds = ["municipality", "insurer", "province", "public-body"]
    public static let projectStatuses = ["planned", "running", "paused"]
    public static let endings = ["completed", "stopped", "merged"]
    public static let programmeBodies = ["bo", "ao", "programmateam"]
    public static let outcomes = ["adopted", "rejected", "postponed", "noted", "signed"]
    public static let budgetSides = ["income", "expense"]

    static func member(_ name: String, _ kind: Kind, required: Bool = false, _ help: String) -> Member {
        Member(name: name, kind: kind, required: required, help: help)
    }

    /// The members every event type accepts.
    public static let commonMembers: [Member] = [
        member("source", .source, "Where the fact comes from: {\"document\": …, \"quote\": …}."),
        member("assumed", .bool, "True when a date or detail was chosen because the sources give none."),
        member("assumedReason", .text, "Why and how the assumed value was chosen."),
        member("planned", .bool, "True for a fact recorded ahead of its effective date."),
        member("recordedBy", .id, "The owner the event is recorded for; koers fills it in from the replica. It must be the owner the signing key acts for."),
    ]

    public static let types: [EventType] = [
        EventType(name: "owner-joined", summary: "An owner organisation joins the programme.", members: [
            member("owner", .id, required: true, "Id of the owner, e.g. 'enschede'."),
            member("name", .text, required: true, "Full name."),
            member("kind", .choice(ownerKinds), required: true, "municipality, insurer, province or public-body."),
        ], recordedBy: "programme office"),
        EventType(name: "theme-defined", summary: "A theme line of the programme is defined.", members: [
            member("theme", .id, required: true, "Id of the theme line."),
            member("name", .text, required: true, "Name."),
            member("description", .text, "What the line is about."),
        ], recordedBy: "programme office"),
        EventType(name: "project-started", summary: "A regional project starts.", members: [
            member("project", .id, required: true, "Id of the project."),
            member("name", .text, required: true, "Name."),
            member("theme", .id, required: true, "The theme line it belongs to (must exist)."),
            member("status", .choice(projectStatuses), "planned, running (default) or paused."),
            member("lead", .text, "Who leads it (an owner, partner or person)."),
            member("description", .text, "What it does."),
        ], recordedBy: "programme office"),
        EventType(name: "project-changed", summary: "Fields of a project change (give at least one).", members: [
            member("project", .id, required: true, "The project (must exist and not have ended)."),
            member("name", .text, "New name."),
            member("theme", .id, "New theme line (must exist)."),
            member("status", .choice(projectStatuses), "New status: planned, running or paused."),
            member("lead", .text, "New lead."),
            member("description", .text, "New description."),
        ], recordedBy: "programme office"),
        EventType(name: "project-ended", summary: "A project ends: completed, stopped or merged into another.", members: [
            member("project", .id, required: true, "The project (must exist and not have ended)."),
            member("outcome", .choice(endings), required: true, "completed, stopped or merged."),
            member("into", .id, "With outcome merged: the project it was merged into (must exist)."),
        ], recordedBy: "programme office"),
        EventType(name: "participation-changed", summary: "A municipality joins or leaves a project locally.", members: [
            member("project", .id, required: true, "The project (must exist)."),
            member("municipality", .id, required: true, "The municipality (an owner of kind municipality)."),
            member("participating", .bool, required: true, "true when it takes part from the effective date, false when it stops."),
        ], recordedBy: "that municipality"),
        EventType(name: "partner-registered", summary: "A partner organisation is registered.", members: [
            member("partner", .id, required: true, "Id of the partner."),
            member("name", .text, required: true, "Name."),
            member("kind", .text, "What sort of organisation (care provider, welfare, GP, school, …)."),
        ], recordedBy: "programme office"),
        EventType(name: "partner-linked", summary: "A partner is linked to a project or theme line with a role.", members: [
            member("partner", .id, required: true, "The partner (must exist)."),
            member("project", .id, "The project (give project or theme)."),
            member("theme", .id, "The theme line (give project or theme)."),
            member("role", .text, required: true, "Its role, e.g. 'uitvoerder' or 'trekker'."),
        ], recordedBy: "programme office"),
        EventType(name: "partner-unlinked", summary: "A partner's link with a project or theme line ends.", members: [
            member("partner", .id, required: true, "The partner (must exist)."),
            member("project", .id, "The project (give project or theme)."),
            member("theme", .id, "The theme line (give project or theme)."),
            member("role", .text, required: true, "The role that ends."),
        ], recordedBy: "programme office"),
        EventType(name: "decision-recorded", summary: "A body takes a decision.", members: [
            member("decision", .id, required: true, "Id of the decision."),
            member("body", .id, required: true, "bo, ao, programmateam, or an owner's id for its own board or council."),
            member("date", .date, required: true, "The day of the decision."),
            member("title", .text, required: true, "What was decided."),
            member("outcome", .choice(outcomes), required: true, "adopted, rejected, postponed, noted or signed."),
            member("projects", .ids, "Projects concerned (must exist)."),
            member("subsidies", .ids, "Subsidy applications it approves (ids)."),
            member("amountCents", .cents, "Amount concerned, in cents."),
        ], recordedBy: "programme office for bo, ao and programmateam; an owner for its own body"),
        EventType(name: "budget-line-opened", summary: "An income or expense line of a year's budget is opened.", members: [
            member("line", .id, required: true, "Id of the line, unique over all years."),
            member("year", .integer, required: true, "Budget year."),
            member("side", .choice(budgetSides), required: true, "income or expense."),
            member("name", .text, required: true, "Name."),
            member("theme", .id, "Theme line it funds (must exist)."),
            member("funder", .id, "For income: the owner that provides it (may then amend it)."),
            member("amountCents", .cents, "Opening amount in cents (default 0)."),
            member("reserve", .bool, "True for a risk-reserve line, counted apart from the year's totals."),
        ], recordedBy: "programme office"),
        EventType(name: "budget-amended", summary: "A budget line changes by an amount; concurrent amendments add up.", members: [
            member("line", .id, required: true, "The budget line (must exist)."),
            member("deltaCents", .cents, required: true, "Change in cents, negative to lower."),
            member("reason", .text, required: true, "Why."),
            member("decision", .id, "The decision behind it (must exist)."),
        ], recordedBy: "programme office; the funder of an income line for that line"),
        EventType(name: "subsidy-requested", summary: "A subsidy is applied for.", members: [
            member("subsidy", .id, required: true, "Id of the application."),
            member("name", .text, required: true, "Name of the scheme, e.g. 'SPUK IZA'."),
            member("grantor", .text, required: true, "Who grants it."),
            member("amountCents", .cents, required: true, "Amount applied for, in cents."),
            member("year", .integer, "Year it is for."),
            member("projects", .ids, "Projects it funds (must exist)."),
            member("decision", .id, "Above EUR 150,000: the adopted BO decision that names this application."),
        ], recordedBy: "programme office"),
        EventType(name: "indicator-recorded", summary: "A measured value of a project's indicator for a period.", members: [
            member("project", .id, required: true, "The project (must exist)."),
            member("indicator", .id, required: true, "Id of the indicator, e.g. 'participants'."),
            member("period", .period, required: true, "YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM."),
            member("value", .integer, required: true, "The value (whole number; scale it, e.g. per mille)."),
            member("unit", .text, "Unit of the value."),
            member("municipality", .id, "For a local value: the municipality."),
        ], recordedBy: "programme office; a municipality for its own values"),
        EventType(name: "replica-enrolled", summary: "A replica's key is enrolled: its events count for the owner it acts for.", members: [
            member("replica", .id, required: true, "Id of the replica (its origin in the log); enrolled once."),
            member("owner", .id, required: true, "The owner it records for: programmabureau or an owner that has joined."),
            member("key", .publicKey, required: true, "Its public key, as 'koers key show' prints it there."),
        ], recordedBy: "programme office, with a trusted root key"),
        EventType(name: "replica-revoked", summary: "A replica's key is revoked: its events after what the office had seen of it no longer count.", members: [
            member("replica", .id, required: true, "The enrolled replica."),
            member("reason", .text, required: true, "Why, e.g. 'laptop lost'."),
        ], recordedBy: "programme office, with a trusted root key"),
    ]

    /// The types as the rules tell them apart: each event's type text is looked up once, then switched on as a tag.
    enum Tag: String, Sendable {
        case ownerJoined = "owner-joined"
        case themeDefined = "theme-defined"
        case projectStarted = "project-started"
        case projectChanged = "project-changed"
        case projectEnded = "project-ended"
        case participationChanged = "participation-changed"
        case partnerRegistered = "partner-registered"
        case partnerLinked = "partner-linked"
        case partnerUnlinked = "partner-unlinked"
        case decisionRecorded = "decision-recorded"
        case budgetLineOpened = "budget-line-opened"
        case budgetAmended = "budget-amended"
        case subsidyRequested = "subsidy-requested"
        case indicatorRecorded = "indicator-recorded"
        case replicaEnrolled = "replica-enrolled"
        case replicaRevoked = "replica-revoked"
    }

    public static func type(named name: String) -> EventType? {
        typesByName[name]
    }

    static let typesByName: [String: EventType] = Dictionary(uniqueKeysWithValues: types.map { ($0.name, $0) })

    /// The threshold above which a subsidy application needs an adopted BO decision: EUR 150,000.
    public static let subsidyDecisionThresholdCents: Int64 = 15_000_000
}
