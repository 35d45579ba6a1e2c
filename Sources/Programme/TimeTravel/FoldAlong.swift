import Dispatch
import EventLog
import Synchronization

/// The whole log's state, folded on a thread of its own while a sync appends the events it receives: folding
/// them then overlaps receiving them instead of following it, and they are not read back from the log.
///
/// It starts from the newest snapshot within the replica's holdings before the sync, folds what the log held
/// after it, then each batch as it is appended. Where the batches do not simply continue the log's order (a
/// late arrival sorts before an event already held), or no snapshot is left to start from, it gives up:
/// `finish` then gives nil and the caller folds the log as usual. The state it gives is the one that fold
/// would give: the same events in the same order, from the same snapshot.
public final class FoldAlong: Sendable {
    private struct Inbox {
        var batches: [(events: [Event], lines: [[UInt8]])] = []
        var finished = false
        /// Set when the thread gave up: batches are then dropped rather than kept for nobody.
        var gaveUp = false
    }

    private let inbox = Mutex(Inbox())
    /// Batches folded, freed by `add` on the thread that receives, which made their events.
    private let spent = SpentValues<[(events: [Event], lines: [[UInt8]])]>()
    private let arrived = DispatchSemaphore(value: 0)
    private let outcome = Mutex<ProgrammeState?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts folding `replica` as it stood at `before` (its version vector before the sync appended anything).
    public convenience init(replica: Replica, before: VersionVector) {
        self.init(replica: replica, before: before, checkpointEvery: ProjectionCache.checkpointInterval)
    }

    /// As above, with checkpoints every `interval` events folded (tests use small intervals).
    package init(replica: Replica, before: VersionVector, checkpointEvery interval: Int) {
        DetachedThread.start { [self] in
            let state = try? follow(replica, before: before, interval: interval)
            let gaveUp = inbox.withLock { inbox in
                inbox.gaveUp = state == nil
                defer { inbox.batches = [] }
                return inbox.gaveUp
            }
            if !gaveUp { outcome.withLock { $0 = state } }
            done.signal()
        }
    }

    /// Events just appended, with their stored lines, in the order appended.
    public func add(_ events: [Event], lines: [[UInt8]]) {
        let taken = inbox.withLock { inbox in
            guard !inbox.gaveUp else { return false }
            inbox.batches.append((events, lines))
            return true
        }
        if taken { arrived.signal() }
        spent.free()
    }

    /// Waits for the fold of every event added: the state of the whole log, if the fold could follow them
    /// and has folded exactly what the replica holds now; else nil.
    public func finish() -> ProgrammeState? {
        inbox.withLock { $0.finished = true }
        arrived.signal()
        done.wait()
        return outcome.withLock { $0.take() }
    }

    private func follow(_ replica: Replica, before: VersionVector, interval: Int) throws -> ProgrammeState? {
        let trustedKeys = try replica.trustedKeys()
        let start = Cut(upto: before)
        let snapshot: ProjectionCache.Snapshot
        if let found = ProjectionCache.best(for: start, in: replica, trustedKeys: trustedKeys) {
            snapshot = found
        } else if before.entries.isEmpty {
            snapshot = ProjectionCache.Snapshot(position: .init(), state: ProgrammeState(trustedKeys: trustedKeys))
        } else {
            return nil
        }
        var fold = ProgrammeHistory.Continuation(consume snapshot, replica: replica, interval: interval, saving: true)
        // Only as far as `before`: the sync may be appending beyond it already, and those come as batches.
        try ProgrammeHistory.forEachEvent(of: replica, cut: start, from: fold.position) {
            try fold.fold($0)
        }
        while true {
            arrived.wait()
            let (batches, finished) = inbox.withLock { inbox in
                defer { inbox.batches = [] }
                return (inbox.batches, inbox.finished)
            }
            for batch in batches {
                // By index: `for event in` copies every event (a retain per member).
                for index in batch.events.indices {
                    let origin = batch.events[index].origin
                    // Each line was appended, with its newline, at the end of its origin's log.
                    let lineStart = fold.position.offsets[origin]?.after ?? 0
                    try fold.fold(LogMerger.Located(
                        event: batch.events[index], lineStart: lineStart, offsetAfter: lineStart + batch.lines[index].count + 1))
                }
            }
            spent.leave(batches)
            if finished { break }
        }
        guard fold.position.vector == (try replica.versionVector()) else { return nil }
        fold.saveHead()
        return fold.state
    }
}
