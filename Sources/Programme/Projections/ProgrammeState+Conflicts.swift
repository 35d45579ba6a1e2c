extension ProgrammeState {
    /// One field of one thing whose concurrent writes disagree.
    public struct Conflict: Sendable {
        /// What the field belongs to, e.g. `project:welzijn-op-recept`.
        public var thing: String
        public var field: String
        public var register: Register
    }

    /// Every conflicted field, in a fixed order (by thing, then field).
    public var conflicts: [Conflict] {
        var found: [Conflict] = []
        for id in ProgrammeViews.sortedKeys(projects) {
            let project = projects[id]!
            for field in ProgrammeViews.sortedKeys(project.fields) where project.fields[field]!.isConflicted {
                found.append(Conflict(thing: "project:\(id)", field: field, register: project.fields[field]!))
            }
        }
        for project in ProgrammeViews.sortedKeys(participation) {
            for municipality in ProgrammeViews.sortedKeys(participation[project]!) where participation[project]![municipality]!.isConflicted {
                found.append(Conflict(
                    thing: "participation:\(project):\(municipality)", field: "participating",
                    register: participation[project]![municipality]!))
            }
        }
        for id in ProgrammeViews.sortedKeys(partners) {
            for (key, register) in partners[id]!.links where register.isConflicted {
                found.append(Conflict(thing: "partner:\(id):\(key.targetKind):\(key.target)", field: "role \(key.role)", register: register))
            }
        }
        for key in indicators.keys.sorted(by: ProgrammeViews.indicatorOrder) where indicators[key]!.isConflicted {
            let thing = "indicator:\(key.project):\(key.indicator):\(key.period)\(key.municipality.map { ":" + $0 } ?? "")"
            found.append(Conflict(thing: thing, field: "value", register: indicators[key]!))
        }
        found.sort { ($0.thing + " " + $0.field).bytesPrecede($1.thing + " " + $1.field) }
        return found
    }
}
