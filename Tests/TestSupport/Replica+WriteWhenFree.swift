import EventLog
import Foundation

/// Keeps child processes from being started while this process holds a replica's lock.
///
/// Tests run in parallel in one process. A child process holds a copy of every open descriptor from
/// the moment it is forked until it execs, the lock descriptor of a replica being written in-process
/// included; that replica then stays locked for an instant after its writer is done, and the next
/// writer (in-process, or a `koers` run by the test) is told "replica is busy".
public enum ChildProcesses {
    static let gate = NSLock()

    /// Runs `body` (which starts a child process) while no replica is being written by `writeWhenFree`.
    public static func starting<T>(_ body: () throws -> T) rethrows -> T {
        gate.lock()
        defer { gate.unlock() }
        return try body()
    }
}

extension Replica {
    /// `write` for tests: no child process starts meanwhile (see `ChildProcesses`), and a lock taken by
    /// a child started by a test using plain `write` is waited for. `body` must not start processes.
    public func writeWhenFree<T>(_ body: (ReplicaWriter) throws -> T) throws -> T {
        var attempts = 0
        while true {
            do {
                ChildProcesses.gate.lock()
                defer { ChildProcesses.gate.unlock() }
                return try write(body)
            } catch EventLogError.replicaBusy where attempts < 1_000 {
                attempts += 1
                usleep(5_000)
            }
        }
    }
}
