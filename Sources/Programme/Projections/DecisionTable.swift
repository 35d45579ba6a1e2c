/// The decisions a core state read from its snapshot (see `ProgrammeState.Scope`), found by id.
///
/// A long programme holds tens of thousands of decisions, and a command that records one event asks the
/// rules about one or two of them. Laying them out as a dictionary (hashing every id, touching a few MB of
/// fresh memory) took a third of such a command's time; a list in the snapshot's order with a table of
/// slots beside it costs a fraction of that.
struct DecisionTable: Sendable {
    private var decisions: [ProgrammeState.Decision] = []
    /// Open addressing on `SnapshotWriter.hash` of the id: 0 is empty, n is `decisions[n - 1]`. At most
    /// half full, so a probe ends soon.
    private var slots: [Int32] = []

    init() {}

    /// Fails if two decisions have the same id (a dictionary saved never holds two).
    init?(_ decisions: [ProgrammeState.Decision]) {
        guard decisions.count < Int32.max / 2 else { return nil }
        var slotCount = 16
        while slotCount < 2 * decisions.count { slotCount *= 2 }
        var slots = [Int32](repeating: 0, count: slotCount)
        let mask = slotCount - 1
        for index in decisions.indices {
            var slot = SnapshotWriter.hash(decisions[index].id) & mask
            while slots[slot] != 0 {
                if decisions[Int(slots[slot]) - 1].id == decisions[index].id { return nil }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(index + 1)
        }
        self.decisions = decisions
        self.slots = slots
    }

    subscript(id: String) -> ProgrammeState.Decision? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = SnapshotWriter.hash(id) & mask
        while slots[slot] != 0 {
            let decision = decisions[Int(slots[slot]) - 1]
            if decision.id == id { return decision }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
