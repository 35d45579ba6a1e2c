#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventLog
@testable import PeerSync
import Testing

/// The program a sync over a command runs: its three pipes, and the signals it starts with.
@Suite struct ChildProcessTests {
    /// Reads both pipes to their end; the child has exited when they close and `waitForExit` returns.
    static func run(_ script: String, input: String = "") throws -> (output: String, errors: String) {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", script])
        try FileIO.writeAll(child.input, Array(input.utf8), path: "the child's input")
        close(child.input)
        let output = try FileIO.readAll(child.output, path: "the child's output")
        let errors = try FileIO.readAll(child.errors, path: "the child's errors")
        close(child.output)
        close(child.errors)
        child.waitForExit()
        return (String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    @Test func theChildReadsItsInputAndWritesBothOutputsApart() throws {
        let result = try Self.run("tr a-z A-Z; echo 'to stderr' >&2", input: "hallo twente\n")
        #expect(result.output == "HALLO TWENTE\n")
        #expect(result.errors == "to stderr\n")
    }

    #if os(Linux)
    /// koers ignores SIGPIPE (it handles EPIPE itself); a program it starts, such as ssh, gets the default back.
    @Test func theChildDoesNotInheritAnIgnoredSIGPIPE() throws {
        let before = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, before) }
        func ignoresSIGPIPE(_ script: String) throws -> Bool {
            // SigIgn is a hex mask of the ignored signals; SIGPIPE is signal 13, bit 12.
            let line = try Self.run(script).output.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            let mask = UInt64(line?.split(separator: "\t").last ?? "", radix: 16)
            return mask.map { $0 & (1 << 12) != 0 } ?? true
        }
        #expect(try !ignoresSIGPIPE("grep SigIgn /proc/self/status"))
        // The check can see it: a child that ignores SIGPIPE itself is caught.
        #expect(try ignoresSIGPIPE("trap '' PIPE; grep SigIgn /proc/self/status"))
    }
    #endif

    @Test func aProgramThatCannotBeStartedIsNamed() throws {
        let error = #expect(throws: PeerSyncError.self) {
            _ = try ChildProcess(executable: "/nonexistent/koers-peer", arguments: ["serve"])
        }
        #expect(error.map { "\($0)".contains("cannot start 'serve'") } == true, "\(String(describing: error))")
    }

    #if os(Linux)
    /// The pipes of one child do not leak into the next: otherwise a first child's input would stay open in
    /// the second, and the first would never see the end of its input. (Checked in /proc rather than by waiting
    /// for that end, which would hang the suite instead of failing.)
    @Test func aChildHoldsNoOtherChildsPipe() throws {
        let first = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "cat"])
        defer {
            kill(first.pid, SIGKILL)
            first.waitForExit()
            close(first.input)
            close(first.output)
            close(first.errors)
        }
        var status = stat()
        #expect(fstat(first.input, &status) == 0)
        let listing = try Self.run("ls -l /proc/self/fd").output
        #expect(listing.contains("pipe:["), "the listing shows the second child's own pipes: \(listing)")
        #expect(!listing.contains("pipe:[\(status.st_ino)]"), "the second child holds the first one's input: \(listing)")
    }
    #endif
}
