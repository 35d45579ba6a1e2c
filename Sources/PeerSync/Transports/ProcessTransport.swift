#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import EventLog
import Synchronization

/// Sync with a command that speaks the protocol on its standard input and output: `koers serve --stdio`, directly or through ssh.
public enum ProcessTransport {
    /// Runs `/bin/sh -c COMMAND` and syncs with it.
    public static func sync(
        _ replica: Replica, command: String, direction: Hello.Direction, progress: SyncRound.Progress? = nil,
        appended: SyncRound.Appended? = nil
    ) throws -> SyncRound.Report {
        try sync(replica, executable: "/bin/sh", arguments: ["-c", command], direction: direction, progress: progress, appended: appended)
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
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    static func sync(
        _ replica: Replica, executable: String, arguments: [String], direction: Hello.Direction, progress: SyncRound.Progress?,
        appended: SyncRound.Appended? = nil
    ) throws -> SyncRound.Report {
        let child = try ChildProcess(executable: executable, arguments: arguments)
        // Drain the child's stderr on the side so it can never block on a full pipe.
        let stderrText = Mutex("")
        let drained = DispatchSemaphore(value: 0)
        let errors = child.errors
        DetachedThread.start {
            let bytes = (try? FileIO.readAll(errors, path: "the peer command's standard error")) ?? []
            stderrText.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
            drained.signal()
        }
        let channel = FrameChannel(input: child.output, output: child.input)
        let result: Result<SyncRound.Report, any Error>
        do {
            result = .success(try SyncRound.run(replica, over: channel, direction: direction, progress: progress, appended: appended))
        } catch {
            result = .failure(error)
        }
        close(child.input)
        // Stop reading as well: a peer still writing (events we refused half-way) then gets EPIPE and
        // exits, instead of blocking forever on a full pipe while we wait for it.
        close(child.output)
        child.waitForExit()
        drained.wait()
        close(errors)
        switch result {
        case .success(let report): return report
        case .failure(let error):
            let peerText = trimmed(stderrText.withLock { $0 })
            if case PeerSyncError.peerClosed = error, !peerText.isEmpty {
                throw PeerSyncError.transport("the peer command failed: \(peerText)")
            }
            throw error
        }
    }

    static func trimmed(_ text: String) -> String {
        let kept = text.drop { $0.isWhitespace }
        return String(kept.dropLast(kept.reversed().prefix { $0.isWhitespace }.count))
    }
}

/// A program started with pipes to its standard input, output and error.
struct ChildProcess {
    let pid: pid_t
    /// Our ends: we write `input`, and read `output` and `errors`.
    let input: Int32
    let output: Int32
    let errors: Int32

    init(executable: String, arguments: [String]) throws(PeerSyncError) {
        var pipes: [[Int32]] = []
        func closeAll() { for fds in pipes { close(fds[0]); close(fds[1]) } }
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                let code = errno
                closeAll()
                throw .transport("cannot create a pipe: \(String(cString: strerror(code)))")
            }
            // No other program started later may hold these: a writer left open would keep a reader from ever seeing the end.
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            pipes.append(fds)
        }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        // koers ignores SIGPIPE (it handles EPIPE); the child gets the default back, as a program started from a shell has.
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            closeAll()
            throw .transport("cannot start '\(arguments.last ?? executable)': \(String(cString: strerror(result)))")
        }
        close(pipes[0][0])
        close(pipes[1][1])
        close(pipes[2][1])
        self.pid = pid
        input = pipes[0][1]
        output = pipes[1][0]
        errors = pipes[2][0]
    }

    func waitForExit() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
