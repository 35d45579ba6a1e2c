import EventLog

/// Computes the programme's state from a replica's events at a cut: the one place where events become views.
///
/// The replica's logs are read as streams merged into the total order, so memory holds the
/// state and one pending event per origin, not the log. A snapshot of an earlier fold (the
/// projection cache) is resumed when it is still valid for the cut; see `ProjectionCache`.
public enum ProgrammeHistory {
    /// The events of the cut's set, sorted in the log's total order (for tests and small logs: it holds them all).
    public static func events(of replica: Replica, cut: Cut) throws -> [Event] {
        var events: [Event] = []
        try forEachEvent(of: replica, cut: cut, from: nil) { located in events.append(located.event) }
        return events
    }

    /// Folds sorted events into a state under the given root keys, keeping only those in effect at the cut's date.
    public static func state(
        of events: [Event], cut: Cut, trustedKeys: [TrustedKey], trackingHistoryOf projects: Set<String> = []
    ) -> ProgrammeState {
        var state = ProgrammeState(trustedKeys: trustedKeys, trackingHistoryOf: projects)
        for event in events where cut.inEffect(event) {
            state.apply(event)
        }
        return state
    }

    /// The state of a replica at a cut, under the root keys it trusts; `useCache: false` replays from the first event (what the cache must equal).
    /// With the `core` scope, a snapshot is read only that far (see `ProgrammeState.Scope`), for whoever reads no more.
    public static func state(
        of replica: Replica, cut: Cut = Cut(), trackingHistoryOf projects: Set<String> = [], useCache: Bool = true,
        scope: ProgrammeState.Scope = .whole
    ) throws -> ProgrammeState {
        try state(
            of: replica, cut: cut, trackingHistoryOf: projects, useCache: useCache,
            checkpointEvery: ProjectionCache.checkpointInterval, scope: scope)
    }

    /// The state of the whole log for checking the rules on new events: its `core`, which is all the rules read.
    public static func stateForRules(of replica: Replica) throws -> ProgrammeState {
        try state(of: replica, scope: .core)
    }

    /// As above, with checkpoints every `interval` events folded (tests use small intervals).
    package static func state(
        of replica: Replica, cut: Cut, trackingHistoryOf projects: Set<String>, useCache: Bool, checkpointEvery interval: Int,
        scope: ProgrammeState.Scope = .whole
    ) throws -> ProgrammeState {
        let trustedKeys = try replica.trustedKeys()
        if useCache, projects.isEmpty, let date = cut.at, cut.knownAtMillis == nil, cut.upto == nil,
            let dated = try? DatedFold.state(of: replica, at: date, trustedKeys: trustedKeys, scope: scope)
        {
            return dated.state
        }
        let cacheable = useCache && cut.at == nil && projects.isEmpty
        // A core state is never saved; but where the fold will be long enough to save a new head, it is made whole.
        let current = cacheable && scope == .core && cut.endsAtTheHead ? try replica.versionVector() : nil
        if cacheable,
            let snapshot = ProjectionCache.best(for: cut, in: replica, trustedKeys: trustedKeys, scope: scope, wholeIfBehind: current)
        {
            do {
                return try resume(consume snapshot, replica: replica, cut: cut, interval: interval)
            } catch let late as ProjectionCache.LateArrival {
                // Events that arrived late (a sync with a replica that worked apart) sort before the snapshot's
                // place, and the earliest is read first: the newest snapshot before it still serves, so the fold
                // goes back to a checkpoint rather than to the first event. The head is saved anew even after a
                // few events, or every later command would meet the stale one first.
                if let earlier = ProjectionCache.best(
                    for: cut, in: replica, trustedKeys: trustedKeys, scope: scope, wholeIfBehind: current, before: late.event),
                    let state = try? resume(consume earlier, replica: replica, cut: cut, interval: interval, savingHeadAnyway: true)
                {
                    return state
                }
            } catch {}
        }
        return try replay(replica, cut: cut, trustedKeys: trustedKeys, projects: projects, saving: cacheable, interval: interval)
    }

    private static func replay(
        _ replica: Replica, cut: Cut, trustedKeys: [TrustedKey], projects: Set<String>, saving: Bool, interval: Int
    ) throws -> ProgrammeState {
        var state = ProgrammeState(trustedKeys: trustedKeys, trackingHistoryOf: projects)
        var position = ProjectionCache.Position()
        var saves = ProjectionCache.Saves(replica)
        try forEachEvent(of: replica, cut: cut, from: nil) { located in
            if cut.inEffect(located.event) { state.apply(located.event) }
            position.advance(past: located)
            if position.folded % interval == 0 {
                position.closeSpan()
                if saving { saves.checkpoint(state, at: position) }
            }
        }
        if saving && cut.endsAtTheHead && position.folded > 0 {
            saves.head(state, at: position)
        }
        return state
    }

    /// Continues a snapshot with the events after it; fails if an event sorts before its position (a late arrival).
    private static func resume(
        _ snapshot: consuming ProjectionCache.Snapshot, replica: Replica, cut: Cut, interval: Int, savingHeadAnyway: Bool = false
    ) throws -> ProgrammeState {
        // A core state is never saved: this is the one place that decides it (encoding one is a bug).
        let saving = cut.endsAtTheHead && snapshot.state.scope == .whole
        var fold = Continuation(consume snapshot, replica: replica, interval: interval, saving: saving)
        try forEachEvent(of: replica, cut: cut, from: fold.position) { located in try fold.fold(located) }
        fold.saveHead(anyway: savingHeadAnyway)
        return fold.state
    }

    /// A fold continued from a snapshot, event by event. Folding the whole log, it leaves a checkpoint every
    /// `interval` events as a replay does, so that a log grown by records and syncs since its last replay can
    /// still be rewound from a checkpoint near any point.
    struct Continuation {
        private(set) var state: ProgrammeState
        private(set) var position: ProjectionCache.Position
        private var saves: ProjectionCache.Saves
        private let interval: Int
        private let saving: Bool
        private var folded = 0
        private var checkpointed = false

        /// Takes the snapshot's state over rather than sharing it: a shared dictionary or list is copied whole
        /// at its first change (a budget line's amendments, for one new amendment).
        init(_ snapshot: consuming ProjectionCache.Snapshot, replica: Replica, interval: Int, saving: Bool) {
            state = snapshot.state
            position = snapshot.position
            saves = ProjectionCache.Saves(replica)
            self.interval = interval
            self.saving = saving
        }

        /// Folds the next event; throws `LateArrival` if it sorts before the last one folded.
        mutating func fold(_ located: LogMerger.Located) throws {
            try position.checkFollowed(by: located.event)
            state.apply(located.event)
            position.advance(past: located)
            folded += 1
            if position.folded % interval == 0 {
                position.closeSpan()
                if saving {
                    saves.checkpoint(state, at: position)
                    checkpointed = true
                }
            }
        }

        /// Writing a snapshot costs more than folding a few events again next time; but after a checkpoint the
        /// head is saved too, so that the next fold does not pass the checkpoint (and write it) again.
        func saveHead(anyway: Bool = false) {
            if saving && (anyway || folded >= ProjectionCache.resaveAfter || checkpointed) {
                saves.head(state, at: position)
            }
        }
    }

    /// Calls `body` with every event of the cut's set in total order, starting after `position` when given.
    static func forEachEvent(
        of replica: Replica, cut: Cut, from position: ProjectionCache.Position?, _ body: (LogMerger.Located) throws -> Void
    ) throws {
        var cursors: [LogCursor] = []
        for origin in try replica.origins() {
            // Under a frontier an origin's log is read only as far as the frontier reaches (line n holds seq n).
            cursors.append(try replica.cursor(
                origin: origin, offset: position?.offsets[origin]?.after ?? 0, firstLineNumber: Int(position?.vector[origin] ?? 0) + 1,
                throughLine: cut.upto.map { Int($0[origin]) }, prefetching: true))
        }
        let merger = try LogMerger(cursors)
        while let located = try merger.next() {
            let event = located.event
            // The log's order is by timestamp, so after the first event recorded later than the cut's instant, all are.
            if let knownAt = cut.knownAtMillis, event.hlc.millis > knownAt { break }
            guard cut.holds(event) else { continue }
            if let upto = cut.upto {
                for entry in event.clock.entries where entry.seq > upto[entry.origin] {
                    throw OpenFrontierError(event: "\(event.origin):\(event.seq)", cause: "\(entry.origin):\(entry.seq)")
                }
            }
            try body(located)
        }
    }
}
