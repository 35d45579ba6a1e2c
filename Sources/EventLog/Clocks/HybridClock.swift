/// The hybrid logical clock of a replica (Kulkarni et al.): every reading is later than every timestamp the clock has produced or observed, even when the wall clock steps back.
///
/// Readings stay close to the wall clock, so they sort events from different replicas in roughly
/// real-time order, yet never contradict causality: an event stamped after observing another is later.
public struct HybridClock: Sendable {
    /// The latest timestamp produced or observed; the next reading is later than this.
    public private(set) var latest: HybridTimestamp

    public init(latest: HybridTimestamp = .zero) {
        self.latest = latest
    }

    /// Remembers a received or held event's timestamp, so that later readings come after it.
    public mutating func observe(_ timestamp: HybridTimestamp) {
        if timestamp > latest { latest = timestamp }
    }

    /// Returns the next reading for a new event, given the current wall clock, and makes it `latest`.
    ///
    /// The wall clock wins when it is ahead; otherwise the counter advances within `latest.millis`.
    /// A full counter borrows the next millisecond instead of wrapping, which would go back in time.
    public mutating func tick(wallMillis: Int64) -> HybridTimestamp {
        let next: HybridTimestamp
        if wallMillis > latest.millis {
            next = HybridTimestamp(millis: wallMillis, counter: 0)
        } else if latest.counter < UInt32.max {
            next = HybridTimestamp(millis: latest.millis, counter: latest.counter + 1)
        } else {
            next = HybridTimestamp(millis: latest.millis + 1, counter: 0)
        }
        latest = next
        return next
    }
}
