import EventLog

/// A snapshot of the state as JSON, for the projection cache: `snapshot` and `init(snapshot:trustedKeys:)` round-trip exactly.
///
/// The trusted root keys are not in it (the cache keeps their digest beside it). Only the cache reads it back; a snapshot that does not decode is ignored and the state is
/// replayed from the log, so the format may change between versions of koers.
extension ProgrammeState {
    struct SnapshotError: Error {}

    public var snapshot: JSONValue {
        func sorted<V>(_ d: [String: V], _ f: (V) -> JSONValue) -> JSONValue {
            .object(d.map { ($0.key, f($0.value)) })
        }
        return .object([
            ("owners", sorted(owners) { o in .object([("name", .string(o.name)), ("kind", .string(o.kind)), ("ref", Self.encode(o.ref))]) }),
            ("themes", sorted(themes) { t in
                .object([("name", .string(t.name)), ("description", t.description.map { .string($0) } ?? .null), ("ref", Self.encode(t.ref))])
            }),
            ("projects", sorted(projects) { p in
                .object([
                    ("fields", sorted(p.fields, Self.encode)), ("started", Self.encode(p.started)),
                    ("ending", p.ending.map { e in
                        .object([("outcome", .string(e.outcome)), ("into", e.into.map { .string($0) } ?? .null), ("ref", Self.encode(e.ref))])
                    } ?? .null),
                    ("historyCount", .integer(Int64(p.historyCount))), ("historySum", .array([.string(String(p.historySum.0)), .string(String(p.historySum.1))])),
                ])
            }),
            ("partners", sorted(partners) { p in
                .object([
                    ("name", .string(p.name)), ("kind", p.kind.map { .string($0) } ?? .null), ("ref", Self.encode(p.ref)),
                    ("links", .array(p.links.map { key, register in
                        .object([
                            ("targetKind", .string(key.targetKind)), ("target", .string(key.target)), ("role", .string(key.role)),
                            ("register", Self.encode(register)),
                        ])
                    })),
                ])
            }),
            ("decisions", sorted(decisions) { d in
                .object([
                    ("body", .string(d.body)), ("date", .string(d.date)), ("title", .string(d.title)), ("outcome", .string(d.outcome)),
                    ("projects", .array(d.projects.map { .string($0) })), ("subsidies", .array(d.subsidies.map { .string($0) })),
                    ("amountCents", d.amountCents.map { .integer($0) } ?? .null), ("source", d.source ?? .null), ("ref", Self.encode(d.ref)),
                ])
            }),
            ("budgetLines", sorted(budgetLines) { l in
                .object([
                    ("year", .integer(l.year)), ("side", .string(l.side)), ("name", .string(l.name)),
                    ("theme", l.theme.map { .string($0) } ?? .null), ("funder", l.funder.map { .string($0) } ?? .null),
                    ("reserve", .bool(l.reserve)), ("amountCents", .integer(l.amountCents)), ("source", l.source ?? .null),
                    ("ref", Self.encode(l.ref)),
                    ("amendments", .array(l.amendments.map { a in
                        .object([
                            ("deltaCents", .integer(a.deltaCents)), ("reason", .string(a.reason)),
                            ("decision", a.decision.map { .string($0) } ?? .null), ("ref", Self.encode(a.ref)),
                        ])
                    })),
                ])
            }),
            ("subsidies", sorted(subsidies) { s in
                .object([
                    ("name", .string(s.name)), ("grantor", .string(s.grantor)), ("amountCents", .integer(s.amountCents)),
                    ("year", s.year.map { .integer($0) } ?? .null), ("projects", .array(s.projects.map { .string($0) })),
                    ("decision", s.decision.map { .string($0) } ?? .null), ("ref", Self.encode(s.ref)),
                ])
            }),
            ("indicators", .array(indicators.map { key, register in
                .object([
                    ("project", .string(key.project)), ("indicator", .string(key.indicator)), ("period", .string(key.period)),
                    ("municipality", key.municipality.map { .string($0) } ?? .null), ("register", Self.encode(register)),
                ])
            })),
            ("participation", sorted(participation) { byMunicipality in sorted(byMunicipality, Self.encode) }),
            ("enrolments", sorted(enrolments) { e in
                .object([
                    ("owner", .string(e.owner)), ("key", .string(e.key)), ("ref", Self.encode(e.ref)),
                    ("revocation", e.revocation.map { r in
                        .object([("reason", .string(r.reason)), ("ref", Self.encode(r.ref)), ("upToSeq", .integer(Int64(r.upToSeq)))])
                    } ?? .null),
                ])
            }),
            ("problems", .array(problems.map { p in
                .object([("ref", Self.encode(p.ref)), ("rule", .string(p.violation.rule)), ("message", .string(p.violation.message))])
            })),
            ("eventCount", .integer(Int64(eventCount))),
        ])
    }

    public init(snapshot value: JSONValue, trustedKeys: [TrustedKey]) throws {
        guard let root = value.objectValue else { throw SnapshotError() }
        func object(_ v: JSONValue?) throws -> JSONObject {
            guard let o = v?.objectValue else { throw SnapshotError() }
            return o
        }
        func text(_ o: JSONObject, _ k: String) throws -> String {
            guard let s = o[k]?.stringValue else { throw SnapshotError() }
            return s
        }
        func optionalText(_ o: JSONObject, _ k: String) -> String? { o[k]?.stringValue }
        func int(_ o: JSONObject, _ k: String) throws -> Int64 {
            guard let i = o[k]?.integerValue else { throw SnapshotError() }
            return i
        }
        func list(_ o: JSONObject, _ k: String) throws -> [String] {
            guard let a = o[k]?.arrayValue else { throw SnapshotError() }
            return try a.map { guard let s = $0.stringValue else { throw SnapshotError() }; return s }
        }
        func nullable(_ o: JSONObject, _ k: String) -> JSONValue? {
            guard let v = o[k], v != .null else { return nil }
            return v
        }
        self.init(trustedKeys: trustedKeys)
        for (id, v) in try object(root["owners"]).members {
            let o = try object(v)
            owners[id] = Owner(id: id, name: try text(o, "name"), kind: try text(o, "kind"), ref: try Self.decodeRef(o["ref"]))
        }
        for (id, v) in try object(root["themes"]).members {
            let o = try object(v)
            themes[id] = Theme(id: id, name: try text(o, "name"), description: optionalText(o, "description"), ref: try Self.decodeRef(o["ref"]))
        }
        for (id, v) in try object(root["projects"]).members {
            let o = try object(v)
            var fields: [String: Register] = [:]
            for (field, register) in try object(o["fields"]).members { fields[field] = try Self.decodeRegister(register) }
            var ending: Ending?
            if let e = nullable(o, "ending") {
                let eo = try object(e)
                ending = Ending(outcome: try text(eo, "outcome"), into: optionalText(eo, "into"), ref: try Self.decodeRef(eo["ref"]))
            }
            var project = Project(id: id, fields: fields, started: try Self.decodeRef(o["started"]), ending: ending, history: [])
            project.historyCount = Int(try int(o, "historyCount"))
            guard let sum = o["historySum"]?.arrayValue, sum.count == 2, let high = sum[0].stringValue.flatMap({ UInt64($0) }),
                let low = sum[1].stringValue.flatMap({ UInt64($0) })
            else { throw SnapshotError() }
            project.historySum = (high, low)
            projects[id] = project
        }
        for (id, v) in try object(root["partners"]).members {
            let o = try object(v)
            var links: [LinkKey: Register] = [:]
            for link in o["links"]?.arrayValue ?? [] {
                let lo = try object(link)
                links[LinkKey(targetKind: try text(lo, "targetKind"), target: try text(lo, "target"), role: try text(lo, "role"))] =
                    try Self.decodeRegister(lo["register"]!)
            }
            partners[id] = Partner(id: id, name: try text(o, "name"), kind: optionalText(o, "kind"), ref: try Self.decodeRef(o["ref"]), links: links)
        }
        for (id, v) in try object(root["decisions"]).members {
            let o = try object(v)
            decisions[id] = Decision(
                id: id, body: try text(o, "body"), date: try text(o, "date"), title: try text(o, "title"),
                outcome: try text(o, "outcome"), projects: try list(o, "projects"), subsidies: try list(o, "subsidies"),
                amountCents: o["amountCents"]?.integerValue, source: nullable(o, "source"), ref: try Self.decodeRef(o["ref"]))
        }
        for (id, v) in try object(root["budgetLines"]).members {
            let o = try object(v)
            let amendments = try (o["amendments"]?.arrayValue ?? []).map { a in
                let ao = try object(a)
                return Amendment(
                    deltaCents: try int(ao, "deltaCents"), reason: try text(ao, "reason"), decision: optionalText(ao, "decision"),
                    ref: try Self.decodeRef(ao["ref"]))
            }
            budgetLines[id] = BudgetLine(
                id: id, year: try int(o, "year"), side: try text(o, "side"), name: try text(o, "name"), theme: optionalText(o, "theme"),
                funder: optionalText(o, "funder"), reserve: o["reserve"]?.boolValue ?? false, amountCents: try int(o, "amountCents"),
                amendments: amendments, source: nullable(o, "source"), ref: try Self.decodeRef(o["ref"]))
        }
        for (id, v) in try object(root["subsidies"]).members {
            let o = try object(v)
            subsidies[id] = Subsidy(
                id: id, name: try text(o, "name"), grantor: try text(o, "grantor"), amountCents: try int(o, "amountCents"),
                year: o["year"]?.integerValue, projects: try list(o, "projects"), decision: optionalText(o, "decision"),
                ref: try Self.decodeRef(o["ref"]))
        }
        for v in root["indicators"]?.arrayValue ?? [] {
            let o = try object(v)
            let key = IndicatorKey(
                project: try text(o, "project"), indicator: try text(o, "indicator"), period: try text(o, "period"),
                municipality: optionalText(o, "municipality"))
            indicators[key] = try Self.decodeRegister(o["register"]!)
        }
        for (project, v) in try object(root["participation"]).members {
            for (municipality, register) in try object(v).members {
                participation[project, default: [:]][municipality] = try Self.decodeRegister(register)
            }
        }
        for (replica, v) in try object(root["enrolments"]).members {
            let o = try object(v)
            var revocation: Revocation?
            if let r = nullable(o, "revocation") {
                let ro = try object(r)
                guard let upToSeq = UInt64(exactly: try int(ro, "upToSeq")) else { throw SnapshotError() }
                revocation = Revocation(reason: try text(ro, "reason"), ref: try Self.decodeRef(ro["ref"]), upToSeq: upToSeq)
            }
            enrolments[replica] = Enrolment(
                replica: replica, owner: try text(o, "owner"), key: try text(o, "key"), ref: try Self.decodeRef(o["ref"]),
                revocation: revocation)
        }
        for v in root["problems"]?.arrayValue ?? [] {
            let o = try object(v)
            problems.append(Problem(ref: try Self.decodeRef(o["ref"]), violation: RuleViolation(try text(o, "rule"), try text(o, "message"))))
        }
        eventCount = Int(try int(root, "eventCount"))
    }

    static func encode(_ ref: EventRef) -> JSONValue {
        .array([
            .string(ref.origin), .integer(Int64(ref.seq)), .string(ref.hlc.description), .string(ref.effective.description),
            .string(ref.type), .string(ref.recordedBy),
        ])
    }

    static func decodeRef(_ value: JSONValue?) throws -> EventRef {
        guard let a = value?.arrayValue, a.count == 6, let origin = a[0].stringValue, let seq = a[1].integerValue,
            let hlcText = a[2].stringValue, let hlc = try? HybridTimestamp(parsing: hlcText),
            let effectiveText = a[3].stringValue, let effective = LocalDate(parsing: effectiveText),
            let type = a[4].stringValue, let recordedBy = a[5].stringValue
        else { throw SnapshotError() }
        return EventRef(origin: origin, seq: UInt64(seq), hlc: hlc, effective: effective, type: type, recordedBy: recordedBy)
    }

    static func encode(_ register: Register) -> JSONValue {
        .array(register.writes.map { write in
            .object([
                ("value", write.value), ("ref", encode(write.ref)),
                ("clock", .object(write.clock.entries.map { ($0.origin, .integer(Int64($0.seq))) })),
            ])
        })
    }

    static func decodeRegister(_ value: JSONValue) throws -> Register {
        guard let writes = value.arrayValue else { throw SnapshotError() }
        var register = Register()
        for write in writes {
            guard let o = write.objectValue, let v = o["value"], let clock = o["clock"]?.objectValue else { throw SnapshotError() }
            var vector = VersionVector()
            for (origin, seq) in clock.members {
                guard let n = seq.integerValue else { throw SnapshotError() }
                vector[origin] = UInt64(n)
            }
            register.restore(Register.Write(value: v, ref: try decodeRef(o["ref"]), clock: vector))
        }
        return register
    }
}
