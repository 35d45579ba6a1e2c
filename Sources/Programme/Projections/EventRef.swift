import EventLog

/// Where a fact in a view comes from: the event's identity, times and author, so every value can be traced.
public struct EventRef: Sendable, Equatable {
    public var origin: String
    public var seq: UInt64
    public var hlc: HybridTimestamp
    public var effective: LocalDate
    public var type: String
    /// The owner the event was recorded for (for an applied event, the owner its signing key acts for).
    public var recordedBy: String

    init(origin: String, seq: UInt64, hlc: HybridTimestamp, effective: LocalDate, type: String, recordedBy: String) {
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.effective = effective
        self.type = type
        self.recordedBy = recordedBy
    }

    init(_ event: Event) {
        self.init(event, recordedBy: event.data["recordedBy"]?.stringValue ?? "")
    }

    /// The ref of an event whose `recordedBy` was read already (by the rules).
    init(_ event: Event, recordedBy: String) {
        origin = event.origin
        seq = event.seq
        hlc = event.hlc
        effective = event.effective
        type = event.type
        self.recordedBy = recordedBy
    }

    /// `origin:seq`, the name of the event in messages.
    public var name: String { "\(origin):\(seq)" }
}
