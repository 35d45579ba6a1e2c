import Synchronization

/// Values one thread is done with, left for another thread to free.
///
/// An event holds many small allocations, made by the thread that parsed or received it. Freeing them on
/// the thread that folds, which a replay or a sync waits for, cost it a tenth of its time; freeing them
/// where they were made is cheaper, and that thread has time to spare.
public final class SpentValues<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    public init() {}

    /// Leaves `value` for the next `free()`.
    public func leave(_ value: Value) {
        values.withLock { $0.append(value) }
    }

    /// Frees what was left, on the calling thread.
    public func free() {
        let taken = values.withLock { values in
            defer { values = [] }
            return values
        }
        // Freed here, after the lock: the optimizer may end an unused value's life early, and freeing within
        // the lock kept the thread that leaves values waiting for it.
        withExtendedLifetime(taken) {}
    }
}
