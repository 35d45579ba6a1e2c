#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import EventLog
import Synchronization

/// Sync with another replica's directory: the other side is served on a thread of this process, over pipes, with the same protocol as every other transport.
public enum DirectoryTransport {
    public static func sync(
        _ replica: Replica, with path: String, direction: Hello.Direction, progress: SyncRound.Progress? = nil,
        appended: SyncRound.Appended? = nil
    ) throws -> SyncRound.Report {
        let remote = try Replica.open(at: path)
        if remote.identity.replica == replica.identity.replica && realPath(path) == realPath(replica.directory) {
            throw PeerSyncError.transport("'\(path)' is this replica itself")
        }
        var toServer: [Int32] = [0, 0]
        var toClient: [Int32] = [0, 0]
        guard pipe(&toServer) == 0, pipe(&toClient) == 0 else {
            throw PeerSyncError.transport("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let serverInput = toServer[0]
        let serverOutput = toClient[1]
        let outcome = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        DetachedThread.start {
            do {
                _ = try SyncRound.serve(remote, over: FrameChannel(input: serverInput, output: serverOutput))
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
            close(serverInput)
            close(serverOutput)
            done.signal()
        }
        defer {
            close(toServer[1])
            close(toClient[0])
            done.wait()
        }
        return try SyncRound.run(
            replica, over: FrameChannel(input: toClient[0], output: toServer[1]), direction: direction, progress: progress,
            appended: appended)
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
