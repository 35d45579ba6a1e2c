import EventLog

/// One field of one thing, with conflict detection: keeps the writes that no later write has seen (the causally maximal ones).
///
/// A write that has seen all current writes replaces them. Concurrent writes are all kept;
/// the value shown is the last in the log's total order, and the register is in conflict
/// while the kept writes hold more than one distinct value.
public struct Register: Sendable, Equatable {
    /// One write: the value and the event that set it.
    public struct Write: Sendable, Equatable {
        public var value: JSONValue
        public var ref: EventRef
        var clock: VersionVector
    }

    public private(set) var writes: [Write] = []

    init() {}

    init(_ value: JSONValue, by event: Event) {
        set(value, by: event)
    }

    /// Records a write. Events arrive in an order that respects causality, so a new write is never in the past of a kept one.
    mutating func set(_ value: JSONValue, by event: Event) {
        writes.removeAll { event.clock[$0.ref.origin] >= $0.ref.seq }
        writes.append(Write(value: value, ref: EventRef(event), clock: event.clock))
    }

    /// Puts back a kept write when a snapshot is read.
    mutating func restore(_ write: Write) {
        writes.append(write)
    }

    /// The value shown: that of the last write in the total order.
    public var value: JSONValue { writes.last?.value ?? .null }
    public var ref: EventRef? { writes.last?.ref }

    /// Whether concurrent writes disagree.
    public var isConflicted: Bool {
        guard let first = writes.first else { return false }
        return writes.dropFirst().contains { $0.value != first.value }
    }
}
