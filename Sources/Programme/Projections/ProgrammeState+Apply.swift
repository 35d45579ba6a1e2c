#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog

extension ProgrammeState {
    /// Folds one event in. An event that breaks a rule changes nothing but the problems list, and its violation is returned.
    ///
    /// `signedBy` is for events this replica is about to sign (their signatures are still being made
    /// while the rules are checked): the key that will sign them, in place of the key their `sig` names.
    @discardableResult
    public mutating func apply(_ event: Event, signedBy key: String? = nil) -> RuleViolation? {
        eventCount += 1
        do {
            // The key is read before the rules are called: read within their arguments, it made the call copy
            // the whole state for every event.
            let signer = key ?? signerKeys.key(of: event, roots: rootNames)
            let checked = try checkRules(event, signedBy: signer)
            fold(event, checked.form.tag, EventRef(event, recordedBy: checked.author))
            return nil
        } catch {
            problems.append(Problem(ref: EventRef(event), violation: error))
            return error
        }
    }

    /// Checks every rule for the event against the current state, without applying it.
    public func check(_ event: Event, signedBy key: String? = nil) throws(RuleViolation) {
        _ = try checkRules(event, signedBy: key)
    }

    /// Checks every rule and returns the form of the event's type, which tells the fold what the event is, and its author.
    private func checkRules(_ event: Event, signedBy key: String?) throws(RuleViolation) -> (form: EventCatalogue.Form, author: String) {
        let form = try EventCatalogue.checkedForm(type: event.type, data: event.data)
        let authority = try authority(of: event, signedBy: key ?? event.signerKey)
        guard let author = event.data["recordedBy"]?.stringValue else {
            throw RuleViolation("authorisation", "data.recordedBy is missing: every event names the owner it is recorded for")
        }
        // recordedBy is what the author's replica claims; the key decides whom the event may speak for.
        if author != authority.owner {
            throw RuleViolation("authorisation", "recorded for '\(author)' but signed by \(authority.signer), \(authority.isRoot ? "which acts for" : "enrolled for") '\(authority.owner)'")
        }
        try checkAuthor(author, authority, event, form.tag)
        try checkReferences(event, form.tag)
        return (form, author)
    }

    // MARK: Whom a key acts for

    /// Whom an event's signing key lets it act for.
    private struct Authority {
        var owner: String
        /// Signed with a trusted root key, not with an enrolled replica's key.
        var isRoot: Bool
        /// The key in words, for messages: "trusted root key 'NAME'" or "the key of replica 'ID'".
        var signer: String
    }

    /// The owner the event's key acts for: the programme office for a trusted root key, else the owner its
    /// origin is enrolled for, as long as the event is signed with the enrolled key and not after a revocation.
    ///
    /// The key the event names is taken as it is: signatures are verified when events arrive and by
    /// `koers verify --signatures`, not on every replay. A revocation counts from its place in the log's
    /// order: an event of the revoked replica that sorts before it was applied when it was folded.
    private func authority(of event: Event, signedBy key: String?) throws(RuleViolation) -> Authority {
        guard let key else {
            throw RuleViolation("signature", event.sig == nil
                ? "not signed: \(event.origin):\(event.seq) carries no signature, so nothing tells who recorded it"
                : "not signed: the sig of \(event.origin):\(event.seq) is not \(EventSignature.scheme):<public key>:<signature> in lowercase hex")
        }
        if let name = signerKeys.rootName(of: key, in: rootNames) {
            return Authority(owner: ProgrammeState.programmeOffice, isRoot: true, signer: "trusted root key '\(name)'")
        }
        let replica = event.origin
        guard let enrolment = enrolments[replica] else {
            throw RuleViolation("enrolment", "not enrolled: replica '\(replica)' is not enrolled (the programme office records replica-enrolled with its key)")
        }
        if enrolment.key != key {
            throw RuleViolation("enrolment", "signed with another key: replica '\(replica)' is enrolled with key \(Self.short(enrolment.key)), this event is signed by \(Self.short(key))")
        }
        if let revocation = enrolment.revocation, event.seq > revocation.upToSeq {
            throw RuleViolation("enrolment", "revoked on \(revocation.ref.effective): replica '\(replica)' was revoked (\(revocation.reason)) by \(revocation.ref.name); its events after \(replica):\(revocation.upToSeq) do not count")
        }
        return Authority(owner: enrolment.owner, isRoot: false, signer: "the key of replica '\(replica)'")
    }

    /// The key each event's `sig` names, read as `Event.signerKey` reads it but without making a String
    /// for it while it stays the key of the event before (as it does along a replica's run of events).
    struct SignerKeys: Sendable {
        private var last: String?
        /// The name under which `last` is a trusted root key, if it is one.
        private var lastRootName: String?

        /// The name under which `key` is a trusted root key: a lookup that every event makes.
        func rootName(of key: String, in roots: [String: String]) -> String? {
            if let last, key == last { return lastRootName }
            return roots[key]
        }

        mutating func key(of event: Event, roots: [String: String]) -> String? {
            guard var sig = event.sig else { return nil }
            let reusable: Bool? = sig.withUTF8 { bytes in
                guard EventSignature.isWellFormed(bytes) else { return nil }
                guard var last else { return false }
                return last.withUTF8 { known in known.count == 64 && memcmp(known.baseAddress!, bytes.baseAddress! + 8, 64) == 0 }
            }
            switch reusable {
            case nil: return nil
            case true?: return last
            case false?:
                last = event.signerKey
                lastRootName = last.flatMap { roots[$0] }
                return last
            }
        }
    }

    /// A key in messages: its first 8 hex digits.
    static func short(_ key: String) -> String { "\(key.prefix(8))…" }

    // MARK: Who may record what

    private func checkAuthor(_ author: String, _ authority: Authority, _ event: Event, _ tag: EventCatalogue.Tag) throws(RuleViolation) {
        let data = event.data
        let office = ProgrammeState.programmeOffice
        if author == office {
            // An enrolled key may be lost or copied; only the root keys, kept apart, decide which keys count.
            if (tag == .replicaEnrolled || tag == .replicaRevoked) && !authority.isRoot {
                throw RuleViolation("authorisation", "only a trusted root key enrols and revokes replicas, not \(authority.signer), although it is enrolled for the programme office")
            }
            if tag == .participationChanged {
                throw RuleViolation("authorisation", "only the municipality itself records its participation, not the programme office")
            }
            if tag == .decisionRecorded, let body = data["body"]?.stringValue,
                !EventCatalogue.programmeBodies.contains(body)
            {
                throw RuleViolation("authorisation", "the programme office records decisions of bo, ao and programmateam, not of '\(body)'")
            }
            return
        }
        // The key acts for this owner, so it was enrolled for it, which needs an owner that has joined; owners never leave.
        let owner = owners[author]!
        let allowed: Bool
        switch tag {
        case .participationChanged:
            allowed = owner.kind == "municipality" && data["municipality"]?.stringValue == author
        case .indicatorRecorded:
            allowed = owner.kind == "municipality" && data["municipality"]?.stringValue == author
        case .decisionRecorded:
            allowed = data["body"]?.stringValue == author
        case .budgetAmended:
            let line = data["line"]?.stringValue.flatMap { budgetLines[$0] }
            allowed = line?.side == "income" && line?.funder == author
        default:
            allowed = false
        }
        if !allowed {
            throw RuleViolation("authorisation", "owner '\(author)' (\(owner.kind)) may not record this \(event.type): \(Self.rightsOf(owner.kind))")
        }
    }

    static func rightsOf(_ kind: String) -> String {
        switch kind {
        case "municipality": "a municipality records its own participation, indicators and decisions"
        default: "it records its own decisions and the funding it provides"
        }
    }

    // MARK: References and uniqueness

    private func checkReferences(_ event: Event, _ tag: EventCatalogue.Tag) throws(RuleViolation) {
        let data = event.data
        func id(_ name: String) -> String? { data[name]?.stringValue }
        func ids(_ name: String) -> [String] { data[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        func mustBeNew(_ what: String, _ value: String?, in existing: Bool) throws(RuleViolation) {
            if existing { throw RuleViolation("duplicate", "\(what) '\(value ?? "")' already exists") }
        }
        func project(_ name: String = "project", open: Bool = false) throws(RuleViolation) {
            guard let value = id(name) else { return }
            guard let found = projects[value] else {
                throw RuleViolation("unknown-reference", "data.\(name): project '\(value)' does not exist")
            }
            if open, let ending = found.ending {
                throw RuleViolation("project-ended", "data.\(name): project '\(value)' has ended (\(ending.outcome), \(ending.ref.effective))")
            }
        }
        func theme(_ name: String = "theme") throws(RuleViolation) {
            if let value = id(name), themes[value] == nil {
                throw RuleViolation("unknown-reference", "data.\(name): theme line '\(value)' does not exist")
            }
        }
        func projectList(_ name: String) throws(RuleViolation) {
            for value in ids(name) where projects[value] == nil {
                throw RuleViolation("unknown-reference", "data.\(name): project '\(value)' does not exist")
            }
        }
        func decision(_ name: String = "decision") throws(RuleViolation) {
            if let value = id(name), self.decision(value) == nil {
                throw RuleViolation("unknown-reference", "data.\(name): decision '\(value)' does not exist")
            }
        }
        func linkTarget() throws(RuleViolation) {
            guard (id("project") == nil) != (id("theme") == nil) else {
                throw RuleViolation("form", "give exactly one of data.project and data.theme")
            }
            try project()
            try theme()
            if let partner = id("partner"), partners[partner] == nil {
                throw RuleViolation("unknown-reference", "data.partner: partner '\(partner)' does not exist")
            }
        }

        switch tag {
        case .ownerJoined:
            try mustBeNew("owner", id("owner"), in: owners[id("owner")!] != nil)
            if id("owner") == ProgrammeState.programmeOffice {
                throw RuleViolation("form", "data.owner: '\(ProgrammeState.programmeOffice)' is the programme office, not an owner")
            }
            // An owner records decisions of the body named like itself: an owner 'bo' could record bo decisions.
            if let owner = id("owner"), EventCatalogue.programmeBodies.contains(owner) {
                throw RuleViolation("form", "data.owner: '\(owner)' is a body of the programme (\(EventCatalogue.programmeBodies.joined(separator: ", "))), not an owner")
            }
        case .themeDefined:
            try mustBeNew("theme line", id("theme"), in: themes[id("theme")!] != nil)
        case .projectStarted:
            try mustBeNew("project", id("project"), in: projects[id("project")!] != nil)
            try theme()
        case .projectChanged:
            try project(open: true)
            try theme()
            guard Self.projectFieldNames.contains(where: { data[$0] != nil }) else {
                throw RuleViolation("form", "project-changed needs at least one of \(Self.projectFieldNames.joined(separator: ", "))")
            }
        case .projectEnded:
            try project(open: true)
            let merged = id("outcome") == "merged"
            if merged != (id("into") != nil) {
                throw RuleViolation("form", merged ? "data.into: a merged project names the project it was merged into" : "data.into: only a merged project names another")
            }
            if merged {
                try project("into", open: true)
                if id("into") == id("project") { throw RuleViolation("form", "data.into: a project cannot be merged into itself") }
            }
        case .participationChanged:
            try project()
            let municipality = id("municipality")!
            if owners[municipality]?.kind != "municipality" {
                throw RuleViolation("unknown-reference", "data.municipality: '\(municipality)' is not a municipality of the programme")
            }
        case .partnerRegistered:
            try mustBeNew("partner", id("partner"), in: partners[id("partner")!] != nil)
        case .partnerLinked, .partnerUnlinked:
            try linkTarget()
        case .decisionRecorded:
            try mustBeNew("decision", id("decision"), in: self.decision(id("decision")!) != nil)
            let body = id("body")!
            if !EventCatalogue.programmeBodies.contains(body) && owners[body] == nil {
                throw RuleViolation("unknown-reference", "data.body: '\(body)' is neither bo, ao, programmateam nor an owner")
            }
            try projectList("projects")
        case .budgetLineOpened:
            try mustBeNew("budget line", id("line"), in: budgetLines[id("line")!] != nil)
            try theme()
            if let funder = id("funder") {
                if id("side") != "income" { throw RuleViolation("form", "data.funder: only an income line has a funder") }
                if owners[funder] == nil { throw RuleViolation("unknown-reference", "data.funder: '\(funder)' is not an owner") }
            }
            try checkBudgetRange(
                line: id("line")!, year: data["year"]!.integerValue!, side: id("side")!,
                amount: data["amountCents"]?.integerValue ?? 0, member: "amountCents")
        case .budgetAmended:
            guard let line = budgetLines[id("line")!] else {
                throw RuleViolation("unknown-reference", "data.line: budget line '\(id("line")!)' does not exist")
            }
            try decision()
            let (amount, overflow) = line.amountCents.addingReportingOverflow(data["deltaCents"]!.integerValue!)
            if overflow {
                throw RuleViolation("amount-range", "data.deltaCents: budget line '\(line.id)' would overflow")
            }
            try checkBudgetRange(line: line.id, year: line.year, side: line.side, amount: amount, member: "deltaCents")
        case .subsidyRequested:
            try mustBeNew("subsidy application", id("subsidy"), in: subsidies[id("subsidy")!] != nil)
            try projectList("projects")
            try decision()
            let amount = data["amountCents"]!.integerValue!
            if amount > EventCatalogue.subsidyDecisionThresholdCents {
                let subsidy = id("subsidy")!
                guard let decisionID = id("decision"), let found = self.decision(decisionID), found.body == "bo",
                    found.outcome == "adopted", found.subsidies.contains(subsidy)
                else {
                    throw RuleViolation("subsidy-decision", "an application above EUR 150,000 (this one: \(amount) cents) needs data.decision: an adopted bo decision whose subsidies name '\(subsidy)'")
                }
            }
        case .replicaEnrolled:
            let replica = id("replica")!
            if let enrolment = enrolments[replica] {
                if let revocation = enrolment.revocation {
                    throw RuleViolation("enrolment", "data.replica: replica '\(replica)' was revoked on \(revocation.ref.effective); a revoked replica stays revoked; make a new replica")
                }
                throw RuleViolation("enrolment", "data.replica: replica '\(replica)' is already enrolled, for '\(enrolment.owner)' by \(enrolment.ref.name)")
            }
            let key = data["key"]!.stringValue!
            if let root = rootNames[key] {
                throw RuleViolation("enrolment", "data.key: \(Self.short(key)) is the trusted root key '\(root)'; a replica gets a key of its own")
            }
            // At most one enrolment holds a key: this rule refuses a second.
            if let other = enrolments.values.first(where: { $0.key == key }) {
                throw RuleViolation("enrolment", "data.key: \(Self.short(key)) is already enrolled for replica '\(other.replica)': a copied key; every replica has its own")
            }
            let owner = id("owner")!
            if owner != ProgrammeState.programmeOffice && owners[owner] == nil {
                throw RuleViolation("unknown-reference", "data.owner: '\(owner)' is neither the programme office nor an owner that has joined")
            }
        case .replicaRevoked:
            let replica = id("replica")!
            guard let enrolment = enrolments[replica] else {
                throw RuleViolation("unknown-reference", "data.replica: replica '\(replica)' is not enrolled")
            }
            if let revocation = enrolment.revocation {
                throw RuleViolation("enrolment", "data.replica: replica '\(replica)' was already revoked on \(revocation.ref.effective) by \(revocation.ref.name)")
            }
        case .indicatorRecorded:
            try project()
            if let municipality = id("municipality"), owners[municipality]?.kind != "municipality" {
                throw RuleViolation("unknown-reference", "data.municipality: '\(municipality)' is not a municipality of the programme")
            }
        }
    }

    /// Keeps every budget amount a number that JSON carries exactly (RFC 8785 reads numbers as doubles):
    /// the magnitudes of one year's lines of one side add up to at most 2^53 − 1 cents, so no line, total
    /// or sum in the budget view can lose precision or overflow, whatever order it is added in.
    private func checkBudgetRange(line: String, year: Int64, side: String, amount: Int64, member: String) throws(RuleViolation) {
        let limit = JSONValue.maxExactInteger.magnitude
        // Every held line passed this check, so their magnitudes add up to at most `limit` and the sum cannot overflow.
        var magnitude = amount.magnitude
        for other in budgetLines.values where other.year == year && other.side == side && other.id != line {
            magnitude += other.amountCents.magnitude
        }
        if amount.magnitude > limit || magnitude > limit {
            throw RuleViolation("amount-range", "data.\(member): the \(side) lines of \(year) would add up to more than \(limit) cents in magnitude, the largest amount a JSON number carries exactly")
        }
    }
}
