extension Event {
    /// The log's total order: hybrid timestamp, then origin (by bytes), then seq.
    ///
    /// Since every event's timestamp is later than those of its causal past, this order
    /// respects causality, and every prefix of it is a causally closed set.
    public static func precedesInLogOrder(_ a: Event, _ b: Event) -> Bool {
        if a.hlc != b.hlc { return a.hlc < b.hlc }
        if !a.origin.bytesEqual(b.origin) { return a.origin.bytesPrecede(b.origin) }
        return a.seq < b.seq
    }
}
