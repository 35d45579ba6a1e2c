import EventLog

/// A snapshot of the state in bytes, for the projection cache: `snapshot` and `init(snapshot:trustedKeys:)` round-trip exactly.
///
/// The trusted root keys are not in it (the cache keeps their digest beside it). Only the cache reads it back; a snapshot that does not decode is ignored and the state is
/// replayed from the log, so the form may change between versions of koers (see `SnapshotWriter`).
extension ProgrammeState {
    /// The state as its string table followed by the body that names those strings.
    public var snapshot: [UInt8] {
        var bytes: [UInt8] = []
        appendSnapshot(to: &bytes)
        return bytes
    }

    /// Appends `snapshot` to `bytes`: a file of several MB is then put together with one copy, not three.
    func appendSnapshot(to bytes: inout [UInt8]) {
        // About one distinct string per ten events in a long history (decision titles, amendment reasons):
        // reserving the table once saves growing it, which hashes every string again each time.
        var body = SnapshotWriter(reservingCapacity: 64 * eventCount + 4096, strings: eventCount / 8 + 64)
        encode(into: &body)
        body.appendTable(to: &bytes, reservingFor: body.bytes.count)
        bytes.append(contentsOf: body.bytes)
    }

    public init(snapshot bytes: [UInt8], trustedKeys: [TrustedKey], scope: Scope = .whole) throws {
        self = try bytes.withUnsafeBytes { raw in
            var reader = SnapshotReader(raw)
            return try ProgrammeState(reading: &reader, trustedKeys: trustedKeys, scope: scope)
        }
    }

    /// Reads a snapshot that takes up the rest of the reader's bytes.
    init(reading reader: inout SnapshotReader, trustedKeys: [TrustedKey], scope: Scope = .whole) throws(SnapshotReader.Malformed) {
        self.init(trustedKeys: trustedKeys)
        self.scope = scope
        try reader.readTable()
        try decode(from: &reader)
        guard reader.isAtEnd else { throw SnapshotReader.Malformed() }
    }

    /// Writes the core first and the rest in blocks that a `core` scope skips (see `Scope`).
    func encode(into out: inout SnapshotWriter) {
        precondition(scope == .whole, "a core state is never saved")
        out.write(owners.count)
        for (id, o) in owners {
            out.write(id); out.write(o.name); out.write(o.kind); Self.encode(o.ref, &out)
        }
        out.write(themes.count)
        for (id, t) in themes {
            out.write(id); out.write(t.name); out.write(t.description); Self.encode(t.ref, &out)
        }
        out.write(projects.count)
        for (id, p) in projects {
            out.write(id)
            out.write(p.fields.count)
            for (field, register) in p.fields { out.write(field); Self.encode(register, &out) }
            Self.encode(p.started, &out)
            out.write(p.ending != nil)
            if let e = p.ending { out.write(e.outcome); out.write(e.into); Self.encode(e.ref, &out) }
            out.write(p.historyCount); out.write(p.historySum.0); out.write(p.historySum.1)
        }
        out.write(partners.count)
        for (id, p) in partners {
            out.write(id); out.write(p.name); out.write(p.kind); Self.encode(p.ref, &out)
            out.write(p.links.count)
            for (key, register) in p.links {
                out.write(key.targetKind); out.write(key.target); out.write(key.role); Self.encode(register, &out)
            }
        }
        // Each decision's core facts, then in a block the rest of each, in the same order (an
        // unchanged dictionary is iterated in the same order every time). A decision's id and title, and an
        // amendment's reason, are its own: written inline, they keep the string table to the strings that recur
        // (origins, types, owners, projects), a few thousand that stay in the cache while they are interned.
        out.write(decisions.count)
        for d in decisions.values {
            out.write(inline: d.id); out.write(d.body); out.write(d.outcome); out.write(d.subsidies)
        }
        let decisionDetails = out.beginBlock()
        for d in decisions.values {
            out.write(d.date); out.write(inline: d.title); out.write(d.projects)
            out.write(d.amountCents != nil); if let amount = d.amountCents { out.write(signed: amount) }
            out.write(d.source); Self.encode(d.ref, &out)
        }
        out.endBlock(decisionDetails)
        out.write(budgetLines.count)
        for (id, l) in budgetLines {
            out.write(id); out.write(signed: l.year); out.write(l.side); out.write(l.name); out.write(l.theme); out.write(l.funder)
            out.write(l.reserve); out.write(signed: l.amountCents); out.write(l.source); Self.encode(l.ref, &out)
            let amendments = out.beginBlock()
            out.write(l.amendments.count)
            // Through the buffer: `for a in` copies each amendment, a retain and release per string in it.
            l.amendments.withUnsafeBufferPointer { list in
                for i in list.indices {
                    out.write(signed: list[i].deltaCents); out.write(inline: list[i].reason); out.write(list[i].decision)
                    Self.encode(list[i].ref, &out)
                }
            }
            out.endBlock(amendments)
        }
        out.write(subsidies.count)
        for (id, s) in subsidies {
            out.write(id); out.write(s.name); out.write(s.grantor); out.write(signed: s.amountCents)
            out.write(s.year != nil); if let year = s.year { out.write(signed: year) }
            out.write(s.projects); out.write(s.decision); Self.encode(s.ref, &out)
        }
        let unruled = out.beginBlock()
        out.write(indicators.count)
        for (key, register) in indicators {
            out.write(key.project); out.write(key.indicator); out.write(key.period); out.write(key.municipality)
            Self.encode(register, &out)
        }
        out.write(participation.count)
        for (project, byMunicipality) in participation {
            out.write(project)
            out.write(byMunicipality.count)
            for (municipality, register) in byMunicipality { out.write(municipality); Self.encode(register, &out) }
        }
        out.write(problems.count)
        for p in problems {
            Self.encode(p.ref, &out); out.write(p.violation.rule); out.write(p.violation.message)
        }
        out.endBlock(unruled)
        out.write(enrolments.count)
        for (replica, e) in enrolments {
            out.write(replica); out.write(e.owner); out.write(e.key); Self.encode(e.ref, &out)
            out.write(e.revocation != nil)
            if let r = e.revocation { out.write(r.reason); Self.encode(r.ref, &out); out.write(r.upToSeq) }
        }
        out.write(eventCount)
    }

    mutating func decode(from input: inout SnapshotReader) throws(SnapshotReader.Malformed) {
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            owners[id] = Owner(id: id, name: try input.readString(), kind: try input.readString(), ref: try Self.decodeRef(&input))
        }
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            themes[id] = Theme(id: id, name: try input.readString(), description: try input.readOptionalString(), ref: try Self.decodeRef(&input))
        }
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            var fields: [String: Register] = [:]
            for _ in 0..<(try input.readCount()) { fields[try input.readString()] = try Self.decodeRegister(&input) }
            let started = try Self.decodeRef(&input)
            var ending: Ending?
            if try input.readBool() {
                ending = Ending(outcome: try input.readString(), into: try input.readOptionalString(), ref: try Self.decodeRef(&input))
            }
            var project = Project(id: id, fields: fields, started: started, ending: ending, history: [])
            project.historyCount = try input.readInt()
            project.historySum = (try input.readUInt64(), try input.readUInt64())
            projects[id] = project
        }
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            let name = try input.readString()
            let kind = try input.readOptionalString()
            let ref = try Self.decodeRef(&input)
            var links: [LinkKey: Register] = [:]
            for _ in 0..<(try input.readCount()) {
                let key = LinkKey(targetKind: try input.readString(), target: try input.readString(), role: try input.readString())
                links[key] = try Self.decodeRegister(&input)
            }
            partners[id] = Partner(id: id, name: name, kind: kind, ref: ref, links: links)
        }
        // The core of every decision, then the block of their details in the same order. A core state keeps
        // the decisions in a `DecisionTable`, a whole one in the dictionary.
        let decisionCount = try input.readCount()
        var decisionsRead: [Decision] = []
        decisionsRead.reserveCapacity(decisionCount)
        for _ in 0..<decisionCount {
            decisionsRead.append(Decision(
                id: try input.readInline(), body: try input.readString(), outcome: try input.readString(),
                subsidies: try input.readStrings(), details: Self.unreadDecisionDetails))
        }
        let decisionDetails = try input.readBlock()
        if scope == .whole {
            decisions.reserveCapacity(decisionCount)
            for read in decisionsRead {
                let details = Decision.Details(
                    date: try input.readString(), title: try input.readInline(), projects: try input.readStrings(),
                    amountCents: try input.readBool() ? try input.readSigned() : nil, source: try input.readOptionalJSON(),
                    ref: try Self.decodeRef(&input))
                let decision = Decision(id: read.id, body: read.body, outcome: read.outcome, subsidies: read.subsidies, details: details)
                guard decisions.updateValue(decision, forKey: read.id) == nil else { throw SnapshotReader.Malformed() }
            }
            try input.expectEnd(of: decisionDetails)
        } else {
            guard let table = DecisionTable(decisionsRead) else { throw SnapshotReader.Malformed() }
            decisionsFromSnapshot = table
            input.skip(to: decisionDetails)
        }
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            var line = BudgetLine(
                id: id, year: try input.readSigned(), side: try input.readString(), name: try input.readString(),
                theme: try input.readOptionalString(), funder: try input.readOptionalString(), reserve: try input.readBool(),
                amountCents: try input.readSigned(), amendments: [], source: try input.readOptionalJSON(), ref: try Self.decodeRef(&input))
            let amendments = try input.readBlock()
            if scope == .whole {
                let amendmentCount = try input.readCount()
                line.amendments.reserveCapacity(amendmentCount)
                for _ in 0..<amendmentCount {
                    line.amendments.append(Amendment(
                        deltaCents: try input.readSigned(), reason: try input.readInline(), decision: try input.readOptionalString(),
                        ref: try Self.decodeRef(&input)))
                }
                try input.expectEnd(of: amendments)
            } else {
                input.skip(to: amendments)
            }
            budgetLines[id] = line
        }
        for _ in 0..<(try input.readCount()) {
            let id = try input.readString()
            subsidies[id] = Subsidy(
                id: id, name: try input.readString(), grantor: try input.readString(), amountCents: try input.readSigned(),
                year: try input.readBool() ? try input.readSigned() : nil, projects: try input.readStrings(),
                decision: try input.readOptionalString(), ref: try Self.decodeRef(&input))
        }
        let unruled = try input.readBlock()
        if scope == .whole {
            try decodeUnruled(from: &input)
            try input.expectEnd(of: unruled)
        } else {
            input.skip(to: unruled)
        }
        for _ in 0..<(try input.readCount()) {
            let replica = try input.readString()
            let owner = try input.readString()
            let key = try input.readString()
            let ref = try Self.decodeRef(&input)
            var revocation: Revocation?
            if try input.readBool() {
                revocation = Revocation(reason: try input.readString(), ref: try Self.decodeRef(&input), upToSeq: try input.readUInt64())
            }
            enrolments[replica] = Enrolment(replica: replica, owner: owner, key: key, ref: ref, revocation: revocation)
        }
        eventCount = try input.readInt()
    }

    /// The parts no rule reads: indicators, participation and problems.
    private mutating func decodeUnruled(from input: inout SnapshotReader) throws(SnapshotReader.Malformed) {
        let indicatorCount = try input.readCount()
        indicators.reserveCapacity(indicatorCount)
        for _ in 0..<indicatorCount {
            let key = IndicatorKey(
                project: try input.readString(), indicator: try input.readString(), period: try input.readString(),
                municipality: try input.readOptionalString())
            indicators[key] = try Self.decodeRegister(&input)
        }
        for _ in 0..<(try input.readCount()) {
            let project = try input.readString()
            var byMunicipality: [String: Register] = [:]
            for _ in 0..<(try input.readCount()) { byMunicipality[try input.readString()] = try Self.decodeRegister(&input) }
            participation[project] = byMunicipality
        }
        let problemCount = try input.readCount()
        problems.reserveCapacity(problemCount)
        for _ in 0..<problemCount {
            let ref = try Self.decodeRef(&input)
            problems.append(Problem(ref: ref, violation: RuleViolation(try input.readString(), try input.readString())))
        }
    }

    /// The details of every decision in a core state, which nothing reads.
    private static let unreadDecisionDetails = Decision.Details(
        date: "", title: "", projects: [], amountCents: nil, source: nil,
        ref: EventRef(
            origin: "", seq: 0, hlc: HybridTimestamp(millis: 0, counter: 0), effective: LocalDate(year: 1970, month: 1, day: 1)!,
            type: "", recordedBy: ""))

    static func encode(_ ref: EventRef, _ out: inout SnapshotWriter) {
        out.write(ref.origin); out.write(ref.seq); out.write(signed: ref.hlc.millis); out.write(UInt64(ref.hlc.counter))
        out.write(ref.effective.year); out.write(ref.effective.month); out.write(ref.effective.day)
        out.write(ref.type); out.write(ref.recordedBy)
    }

    static func decodeRef(_ input: inout SnapshotReader) throws(SnapshotReader.Malformed) -> EventRef {
        let origin = try input.readString()
        let seq = try input.readUInt64()
        let millis = try input.readSigned()
        guard millis >= 0, let counter = UInt32(exactly: try input.readUInt64()),
            let effective = LocalDate(year: try input.readInt(), month: try input.readInt(), day: try input.readInt())
        else { throw SnapshotReader.Malformed() }
        return EventRef(
            origin: origin, seq: seq, hlc: HybridTimestamp(millis: millis, counter: counter), effective: effective,
            type: try input.readString(), recordedBy: try input.readString())
    }

    static func encode(_ register: Register, _ out: inout SnapshotWriter) {
        out.write(register.writes.count)
        for write in register.writes {
            out.write(write.value); encode(write.ref, &out)
            let entries = write.clock.entries
            out.write(entries.count)
            for entry in entries { out.write(entry.origin); out.write(entry.seq) }
        }
    }

    static func decodeRegister(_ input: inout SnapshotReader) throws(SnapshotReader.Malformed) -> Register {
        var register = Register()
        for _ in 0..<(try input.readCount()) {
            let value = try input.readJSON()
            let ref = try decodeRef(&input)
            var clock = VersionVector()
            for _ in 0..<(try input.readCount()) {
                let origin = try input.readString()
                let seq = try input.readUInt64()
                guard seq > 0, clock[origin] == 0 else { throw SnapshotReader.Malformed() }
                clock[origin] = seq
            }
            register.restore(Register.Write(value: value, ref: ref, clock: clock))
        }
        return register
    }
}
