import EventLog

/// A point to rewind to: the world on an effective date, what the log held at a recording time, up to a version vector, or a combination.
///
/// `knownAt` and `upto` choose a set of events (always causally closed); `at` then keeps the
/// facts in effect on that date. With nothing set, the cut is the whole log.
public struct Cut: Sendable, Equatable {
    /// The world as it was on this date: events with an effective date on or before it.
    public var at: LocalDate?
    /// What the log held at this instant (milliseconds since 1970 UTC): events whose hybrid timestamp is not later.
    public var knownAtMillis: Int64?
    /// A frontier: for each origin, events up to this seq (a missing origin means none).
    public var upto: VersionVector?

    public init(at: LocalDate? = nil, knownAtMillis: Int64? = nil, upto: VersionVector? = nil) {
        self.at = at
        self.knownAtMillis = knownAtMillis
        self.upto = upto
    }

    /// Whether the event belongs to the set of events recorded by the cut's time and frontier.
    public func holds(_ event: Event) -> Bool {
        if let knownAtMillis, event.hlc.millis > knownAtMillis { return false }
        if let upto, event.seq > upto[event.origin] { return false }
        return true
    }

    /// Whether the fact is in effect on the cut's date.
    ///
    /// Enrolments and revocations always are: they say which keys count, not what held in the world, so
    /// they count from the moment they are among the events folded. Filtered by date, a back-dated
    /// municipality event would lose the enrolment that vouches for it, and a revoked key would count again.
    public func inEffect(_ event: Event) -> Bool {
        guard let at, !Self.isKeyFact(event.type) else { return true }
        return event.effective <= at
    }

    /// Whether the cut's set is every event held (no instant, no frontier): only a fold of such a cut is saved as the head.
    var endsAtTheHead: Bool { knownAtMillis == nil && upto == nil }

    /// Whether events of this type are about keys rather than the world (asked of every event folded: two
    /// comparisons cost less than hashing the type for a set).
    static func isKeyFact(_ type: String) -> Bool { type == "replica-enrolled" || type == "replica-revoked" }

    /// Parses a `--known-at` value: an instant `2025-04-20T10:00:00Z` (or with milliseconds), or a date meaning the end of that day (UTC).
    public static func parseInstant(_ text: String) -> Int64? {
        guard let millis = WallClock.parseInstant(text) else { return nil }
        return LocalDate(parsing: text) != nil ? millis + 86_400_000 - 1 : millis
    }
}

/// A frontier that leaves out the cause of an event it keeps.
public struct OpenFrontierError: Error, Sendable, Equatable, CustomStringConvertible {
    public var event: String
    public var cause: String

    public var description: String {
        "the frontier is not causally closed: it keeps \(event) but not \(cause), which that event had seen; widen the vector"
    }
}
