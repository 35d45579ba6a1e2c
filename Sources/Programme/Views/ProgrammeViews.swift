import EventLog

/// The views of the programme as JSON values: the `--json` output of each command, and the input of `digest`.
///
/// Every list is sorted by identifier bytes (or date, then identifier), never by arrival,
/// so replicas holding the same events print the same bytes.
public enum ProgrammeViews {
    public static func sortedKeys<V>(_ dictionary: [String: V]) -> [String] {
        dictionary.keys.sorted { $0.bytesPrecede($1) }
    }

    static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    public static func ref(_ ref: EventRef) -> JSONValue {
        .object([
            ("event", .string(ref.name)), ("recordedBy", .string(ref.recordedBy)),
            ("recorded", .string(ref.hlc.description)), ("effective", .string(ref.effective.description)),
        ])
    }

    public static func owners(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.owners).map { id in
            let owner = state.owners[id]!
            return .object([
                ("owner", .string(id)), ("name", .string(owner.name)), ("kind", .string(owner.kind)),
                ("joined", .string(owner.ref.effective.description)),
            ])
        })
    }

    public static func themes(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.themes).map { id in
            let theme = state.themes[id]!
            return .object([
                ("theme", .string(id)), ("name", .string(theme.name)), ("description", optional(theme.description)),
            ])
        })
    }

    /// One project's current fields; a conflicted field lists its competing values under `conflicts`.
    public static func projectSummary(_ project: ProgrammeState.Project) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("project", .string(project.id)), ("status", .string(project.status)),
            ("started", .string(project.started.effective.description)),
            ("ended", project.ending.map { .string($0.ref.effective.description) } ?? .null),
            ("mergedInto", optional(project.ending?.into)),
        ]
        for field in ["name", "theme", "lead", "description"] {
            members.append((field, project.fields[field]?.value ?? .null))
        }
        let conflicted = sortedKeys(project.fields).filter { project.fields[$0]!.isConflicted }
        members.append(("conflicts", .array(conflicted.map { .string($0) })))
        return .object(members)
    }

    public static func projects(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.projects).map { projectSummary(state.projects[$0]!) })
    }

    /// One project with its full history: who changed what, when, from which source.
    public static func project(_ state: ProgrammeState, id: String) -> JSONValue? {
        guard let project = state.projects[id] else { return nil }
        guard case .object(var object) = projectSummary(project) else { return nil }
        let participants = (state.participation[id] ?? [:]).filter { $0.value.value == .bool(true) }
        object["participants"] = .array(sortedKeys(participants).map { .string($0) })
        object["history"] = .array(project.history.map { entry in
            .object([
                ("event", .string(entry.ref.name)), ("type", .string(entry.ref.type)),
                ("recordedBy", .string(entry.ref.recordedBy)), ("recorded", .string(entry.ref.hlc.description)),
                ("effective", .string(entry.ref.effective.description)), ("changes", .object(entry.changes)),
                ("source", entry.source ?? .null),
            ])
        })
        return .object(object)
    }

    public static func decisions(_ state: ProgrammeState) -> JSONValue {
        let ordered = state.decisions.values.sorted {
            $0.date != $1.date ? $0.date < $1.date : $0.id.bytesPrecede($1.id)
        }
        return .array(ordered.map { decision in
            .object([
                ("decision", .string(decision.id)), ("date", .string(decision.date)), ("body", .string(decision.body)),
                ("title", .string(decision.title)), ("outcome", .string(decision.outcome)),
                ("projects", .array(decision.projects.map { .string($0) })),
                ("subsidies", .array(decision.subsidies.map { .string($0) })),
                ("amountCents", decision.amountCents.map { .integer($0) } ?? .null),
                ("source", decision.source ?? .null), ("recorded", ref(decision.ref)),
            ])
        })
    }

    public static func partners(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.partners).map { id in
            let partner = state.partners[id]!
            let links = partner.links.filter { $0.value.value == .bool(true) || $0.value.isConflicted }
                .sorted { "\($0.key.targetKind):\($0.key.target):\($0.key.role)".bytesPrecede("\($1.key.targetKind):\($1.key.target):\($1.key.role)") }
            return .object([
                ("partner", .string(id)), ("name", .string(partner.name)), ("kind", optional(partner.kind)),
                ("links", .array(links.map { link in
                    .object([
                        (link.key.targetKind, .string(link.key.target)), ("role", .string(link.key.role)),
                        ("conflicted", .bool(link.value.isConflicted)),
                    ])
                })),
            ])
        })
    }

    /// Projects × municipalities: for each project with any local participation, who takes part.
    public static func participation(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.participation).compactMap { project in
            let byMunicipality = state.participation[project]!
            let taking = sortedKeys(byMunicipality).filter { byMunicipality[$0]!.value == .bool(true) }
            let conflicted = sortedKeys(byMunicipality).filter { byMunicipality[$0]!.isConflicted }
            return .object([
                ("project", .string(project)), ("municipalities", .array(taking.map { .string($0) })),
                ("conflicts", .array(conflicted.map { .string($0) })),
            ])
        })
    }

    /// The budget per year, in cents: lines, totals, the risk reserve apart, and a flag when expenses exceed income.
    public static func budget(_ state: ProgrammeState, year: Int64? = nil) -> JSONValue {
        let years = Set(state.budgetLines.values.map(\.year)).filter { year == nil || $0 == year }.sorted()
        return .object([("years", .array(years.map { year in
            let lines = state.budgetLines.values.filter { $0.year == year }
                .sorted { $0.id.bytesPrecede($1.id) }
            func total(_ side: String, reserve: Bool) -> Int64 {
                lines.filter { $0.side == side && $0.reserve == reserve }.reduce(0) { $0 + $1.amountCents }
            }
            func lineJSON(_ line: ProgrammeState.BudgetLine) -> JSONValue {
                .object([
                    ("line", .string(line.id)), ("name", .string(line.name)), ("amountCents", .integer(line.amountCents)),
                    ("theme", optional(line.theme)), ("funder", optional(line.funder)), ("reserve", .bool(line.reserve)),
                    ("amendments", .array(line.amendments.map { amendment in
                        .object([
                            ("deltaCents", .integer(amendment.deltaCents)), ("reason", .string(amendment.reason)),
                            ("decision", optional(amendment.decision)), ("event", .string(amendment.ref.name)),
                            ("effective", .string(amendment.ref.effective.description)),
                        ])
                    })),
                    ("source", line.source ?? .null),
                ])
            }
            let income = total("income", reserve: false)
            let expense = total("expense", reserve: false)
            let reserveIncome = total("income", reserve: true)
            let reserveExpense = total("expense", reserve: true)
            return .object([
                ("year", .integer(year)),
                ("income", .array(lines.filter { $0.side == "income" }.map(lineJSON))),
                ("expense", .array(lines.filter { $0.side == "expense" }.map(lineJSON))),
                ("totalIncome", .integer(income)), ("totalExpense", .integer(expense)),
                ("reserveIncome", .integer(reserveIncome)), ("reserveExpense", .integer(reserveExpense)),
                ("totalIncomeWithReserve", .integer(income + reserveIncome)),
                ("totalExpenseWithReserve", .integer(expense + reserveExpense)),
                ("overspent", .bool(expense > income || expense + reserveExpense > income + reserveIncome)),
            ])
        }))])
    }

    public static func subsidies(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.subsidies).map { id in
            let subsidy = state.subsidies[id]!
            return .object([
                ("subsidy", .string(id)), ("name", .string(subsidy.name)), ("grantor", .string(subsidy.grantor)),
                ("amountCents", .integer(subsidy.amountCents)), ("year", subsidy.year.map { .integer($0) } ?? .null),
                ("projects", .array(subsidy.projects.map { .string($0) })), ("decision", optional(subsidy.decision)),
            ])
        })
    }

    static func indicatorOrder(_ a: ProgrammeState.IndicatorKey, _ b: ProgrammeState.IndicatorKey) -> Bool {
        let left = [a.project, a.indicator, a.period, a.municipality ?? ""]
        let right = [b.project, b.indicator, b.period, b.municipality ?? ""]
        for (l, r) in zip(left, right) where l != r { return l.bytesPrecede(r) }
        return false
    }

    public static func indicators(_ state: ProgrammeState) -> JSONValue {
        .array(state.indicators.keys.sorted(by: indicatorOrder).map { key in
            let register = state.indicators[key]!
            return .object([
                ("project", .string(key.project)), ("indicator", .string(key.indicator)), ("period", .string(key.period)),
                ("municipality", optional(key.municipality)), ("value", register.value.objectValue?["value"] ?? .null),
                ("unit", register.value.objectValue?["unit"] ?? .null), ("conflicted", .bool(register.isConflicted)),
            ])
        })
    }

    /// Every field whose concurrent writes disagree, with each competing value, who set it and when.
    public static func conflicts(_ state: ProgrammeState) -> JSONValue {
        let found = state.conflicts
        return .array(found.map { conflict in
            .object([
                ("thing", .string(conflict.thing)), ("field", .string(conflict.field)),
                ("shown", conflict.register.value),
                ("values", .array(conflict.register.writes.map { write in
                    .object([
                        ("value", write.value), ("event", .string(write.ref.name)), ("recordedBy", .string(write.ref.recordedBy)),
                        ("recorded", .string(write.ref.hlc.description)), ("effective", .string(write.ref.effective.description)),
                    ])
                })),
            ])
        })
    }

    /// The enrolled replicas, by replica id: whom each key acts for, and whether and when it was revoked.
    public static func replicas(_ state: ProgrammeState) -> JSONValue {
        .array(sortedKeys(state.enrolments).map { id in
            let enrolment = state.enrolments[id]!
            return .object([
                ("replica", .string(id)), ("owner", .string(enrolment.owner)), ("key", .string(enrolment.key)),
                ("enrolled", ref(enrolment.ref)),
                ("revoked", enrolment.revocation.map { revocation in
                    .object([
                        ("event", .string(revocation.ref.name)), ("effective", .string(revocation.ref.effective.description)),
                        ("reason", .string(revocation.reason)), ("upToSeq", .integer(Int64(revocation.upToSeq))),
                    ])
                } ?? .null),
            ])
        })
    }

    /// Events that stay in the log but were not applied, in the log's order, with the rule each breaks.
    public static func problems(_ state: ProgrammeState) -> JSONValue {
        .array(state.problems.map { problem in
            .object([
                ("event", .string(problem.ref.name)), ("type", .string(problem.ref.type)),
                ("recordedBy", .string(problem.ref.recordedBy)), ("recorded", .string(problem.ref.hlc.description)),
                ("effective", .string(problem.ref.effective.description)), ("rule", .string(problem.violation.rule)),
                ("message", .string(problem.violation.message)),
            ])
        })
    }

    /// Every view in one object: what `digest` hashes. A project's history is represented by its length and
    /// the sum of its events' hashes.
    public static func all(_ state: ProgrammeState) -> JSONValue {
        .object([
            ("owners", owners(state)), ("themes", themes(state)), ("projects", projects(state)),
            ("projectHistories", .array(sortedKeys(state.projects).map { id in
                .object([
                    ("project", .string(id)), ("events", .integer(Int64(state.projects[id]!.historyCount))),
                    ("sum", .string(state.projects[id]!.historyDigest)),
                ])
            })),
            ("decisions", decisions(state)), ("partners", partners(state)), ("participation", participation(state)),
            ("budget", budget(state)), ("subsidies", subsidies(state)), ("indicators", indicators(state)),
            ("replicas", replicas(state)), ("conflicts", conflicts(state)), ("problems", problems(state)),
        ])
    }

    /// SHA-256 of the canonical JSON of every view: two replicas, or a report, compared in one line.
    public static func digest(_ state: ProgrammeState) -> String {
        SHA256.hexDigest(all(state).canonicalBytes)
    }
}
