import EventLog

/// One field of one thing, with conflict detection: keeps the writes that no later write has replaced.
///
/// A write replaces the writes it has seen whose effective date is not later than its own,
/// so a back-dated correction does not undo a change that takes effect after it. The value
/// shown is that of the write with the latest effective date (the last in the log's total
/// order among equals). The register is in conflict while two kept writes are concurrent
/// (neither had seen the other) and disagree; a write that has seen both resolves it.
public struct Register: Sendable, Equatable {
    /// One write: the value and the event that set it.
    public struct Write: Sendable, Equatable {
        public var value: JSONValue
        public var ref: EventRef
        var clock: VersionVector
    }

    public private(set) var writes: [Write] = []

    init() {}

    init(_ value: JSONValue, by event: Event, _ ref: EventRef) {
        set(value, by: event, ref)
    }

    /// Records a write by the event whose ref is given. Events arrive in an order that respects causality,
    /// so a new write is never in the past of a kept one.
    mutating func set(_ value: JSONValue, by event: Event, _ ref: EventRef) {
        func replaced(_ kept: Write) -> Bool { event.clock[kept.ref.origin] >= kept.ref.seq && kept.ref.effective <= event.effective }
        let write = Write(value: value, ref: ref, clock: event.clock)
        // Most writes replace the one kept write in place: no removal and no growing.
        if writes.count == 1 && replaced(writes[0]) {
            writes[0] = write
            return
        }
        writes.removeAll(where: replaced)
        writes.append(write)
    }

    /// Puts back a kept write when a snapshot is read.
    mutating func restore(_ write: Write) {
        writes.append(write)
    }

    /// The write shown: the latest effective date, then the last in the total order (writes are kept in that order).
    public var current: Write? {
        writes.indices.max { writes[$0].ref.effective < writes[$1].ref.effective || (writes[$0].ref.effective == writes[$1].ref.effective && $0 < $1) }
            .map { writes[$0] }
    }

    public var value: JSONValue { current?.value ?? .null }
    public var ref: EventRef? { current?.ref }

    /// Whether two kept writes that had not seen each other disagree.
    public var isConflicted: Bool {
        for (i, a) in writes.enumerated() {
            for b in writes[(i + 1)...] where a.value != b.value {
                let aSawB = a.clock[b.ref.origin] >= b.ref.seq
                let bSawA = b.clock[a.ref.origin] >= a.ref.seq
                if !aSawB && !bSawA { return true }
            }
        }
        return false
    }
}
