import EventLog
import Foundation
import Synchronization

/// Sync with a command that speaks the protocol on its standard input and output: `koers serve --stdio`, directly or through ssh.
public enum ProcessTransport {
    /// Runs `/bin/sh -c COMMAND` and syncs with it.
    public static func sync(
        _ replica: Replica, command: String, direction: Hello.Direction, progress: SyncRound.Progress? = nil
    ) throws -> SyncRound.Report {
        try sync(replica, executable: "/bin/sh", arguments: ["-c", command], direction: direction, progress: progress)
    }

    /// The command line that reaches `koers serve --stdio` for an `ssh://[user@]host[:port]/path` URL.
    ///
    /// KOERS_SSH replaces `ssh` (e.g. to add `-i KEY`), KOERS_REMOTE_KOERS the remote program name.
    public static func sshCommand(for url: String, environment: [String: String]) throws(PeerSyncError) -> String {
        guard url.hasPrefix("ssh://") else { throw .transport("'\(url)' is not an ssh:// URL") }
        let rest = url.dropFirst("ssh://".count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw .transport("'\(url)' names no path: use ssh://[user@]host[:port]/path")
        }
        var authority = String(rest[..<slash])
        let path = String(rest[slash...])
        var port: String?
        if let colon = authority.lastIndex(of: ":") {
            port = String(authority[authority.index(after: colon)...])
            authority = String(authority[..<colon])
            guard let number = Int(port!), (1...65535).contains(number) else { throw .transport("'\(url)' has a bad port") }
        }
        // A host that starts with '-' would be read by ssh as an option (e.g. ssh://-Efile/path).
        guard !authority.isEmpty, !authority.hasPrefix("-"),
            authority.allSatisfy({ $0.isLetter || $0.isNumber || "@.-_".contains($0) })
        else {
            throw .transport("'\(url)' has a bad host")
        }
        let ssh = environment["KOERS_SSH"] ?? "ssh"
        let koers = environment["KOERS_REMOTE_KOERS"] ?? "koers"
        // ssh joins its command arguments with spaces and hands the result to the remote shell, so
        // the remote command is quoted for that shell and then passed whole as one argument.
        let remote = "\(koers) serve --stdio --store \(shellQuote(path))"
        var command = ssh
        if let port { command += " -p \(port)" }
        command += " \(authority) \(shellQuote(remote))"
        return command
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func sync(
        _ replica: Replica, executable: String, arguments: [String], direction: Hello.Direction, progress: SyncRound.Progress?
    ) throws -> SyncRound.Report {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let toChild = Pipe()
        let fromChild = Pipe()
        let errors = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = errors
        do { try process.run() } catch {
            throw PeerSyncError.transport("cannot start '\(arguments.last ?? executable)': \(error.localizedDescription)")
        }
        // Drain the child's stderr on the side so it can never block on a full pipe.
        let stderrText = Mutex("")
        let drained = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        Thread {
            let data = errorHandle.readDataToEndOfFile()
            stderrText.withLock { $0 = String(decoding: data, as: UTF8.self) }
            drained.signal()
        }.start()
        let channel = FrameChannel(
            input: fromChild.fileHandleForReading.fileDescriptor, output: toChild.fileHandleForWriting.fileDescriptor)
        let result: Result<SyncRound.Report, any Error>
        do {
            result = .success(try SyncRound.run(replica, over: channel, direction: direction, progress: progress))
        } catch {
            result = .failure(error)
        }
        try? toChild.fileHandleForWriting.close()
        // Stop reading as well: a peer still writing (events we refused half-way) then gets EPIPE and
        // exits, instead of blocking forever on a full pipe while we wait for it.
        try? fromChild.fileHandleForReading.close()
        process.waitUntilExit()
        drained.wait()
        switch result {
        case .success(let report): return report
        case .failure(let error):
            let peerText = stderrText.withLock { $0 }.trimmingCharacters(in: .whitespacesAndNewlines)
            if case PeerSyncError.peerClosed = error, !peerText.isEmpty {
                throw PeerSyncError.transport("the peer command failed: \(peerText)")
            }
            throw error
        }
    }
}
