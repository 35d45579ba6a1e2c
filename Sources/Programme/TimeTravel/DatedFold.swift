import EventLog

/// The whole log's state `--at` a date, from the cache where the log's dates allow it.
///
/// A view at a date folds, in the log's order, the events in effect on that date. A checkpoint holds the fold
/// of every event before it, so it serves as a start only if none of them is dated after the date. The cache
/// notes, per stretch between checkpoints, the earliest and latest date of its events (`ProjectionCache.Span`).
/// In a log whose events are mostly recorded around their dates, a date's view then starts from the last
/// checkpoint before its first later-dated event, folds the stretches that hold an event in effect on the date,
/// and steps over the rest by the saved positions of their ends. The events it reads and folds are the ones a
/// replay would fold, in the same order: only the time differs.
enum DatedFold {
    /// The state and how many events were read from the logs to make it; nil where the cache cannot serve (no
    /// snapshot, or one that no longer fits the log): then the caller replays.
    static func state(
        of replica: Replica, at date: LocalDate, trustedKeys: [TrustedKey], scope: ProgrammeState.Scope
    ) throws -> (state: ProgrammeState, eventsRead: Int)? {
        guard let index = ProjectionCache.newestPosition(in: replica, trustedKeys: trustedKeys) else { return nil }
        let spans = index.allSpans
        let cut = Cut(at: date)
        var state = ProgrammeState(trustedKeys: trustedKeys)
        var position = ProjectionCache.Position()
        var eventsRead = 0
        // The furthest saved checkpoint before which no event is dated after the date.
        var next = spans.prefix { ($0.latest ?? date) <= date }.count
        while next > 0 {
            if let start = ProjectionCache.snapshot(endingWith: spans[next - 1], in: replica, trustedKeys: trustedKeys, scope: scope),
                let saved = start.state
            {
                state = saved
                position = start.position
                break
            }
            next -= 1
        }

        /// Folds the events after `position` that are in effect on the date, through the `end`th event (to the end
        /// of the log if nil). False if an event sorts before one folded (it arrived after the cache was made).
        func foldOn(through end: Int?) throws -> Bool {
            struct ReachedEnd: Error {}
            do {
                try ProgrammeHistory.forEachEvent(of: replica, cut: Cut(), from: position) { located in
                    eventsRead += 1
                    try position.checkFollowed(by: located.event)
                    if cut.inEffect(located.event) { state.apply(located.event) }
                    position.advance(past: located)
                    if position.folded == end { throw ReachedEnd() }
                }
            } catch is ReachedEnd {
                return true
            } catch is ProjectionCache.LateArrival {
                return false
            }
            return end == nil
        }

        while next < spans.count {
            // Step over the stretches that the date leaves out whole, to the saved position after the last of them.
            var last = next
            while last < spans.count && spans[last].isLeftOut(at: date) { last += 1 }
            if last > next,
                let end = ProjectionCache.snapshot(endingWith: spans[last - 1], in: replica, trustedKeys: trustedKeys, scope: nil)
            {
                position = end.position
                next = last
                continue
            }
            // Fold the stretches that hold an event in effect (or that no saved position lets it step over), up to
            // the next one it can step over. Ending on another event than the cache noted means events arrived
            // since it was made: give up now (the fold on would meet them as late arrivals anyway).
            last = next + 1
            while last < spans.count && !spans[last].isLeftOut(at: date) { last += 1 }
            guard try foldOn(through: spans[last - 1].end), position.last?.hash == spans[last - 1].lastHash else { return nil }
            next = last
        }
        // What the log holds beyond the newest snapshot.
        guard try foldOn(through: nil) else { return nil }
        return (state, eventsRead)
    }
}
