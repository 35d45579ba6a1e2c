import EventLog
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replicas in one temporary directory, driven through the built binary with a fixed wall clock.
final class SyncWorld {
    let tmp = TemporaryDirectory("koers-sync")
    /// KOERS_NOW for every command; tests move it on to author later events.
    var now = "2024-11-01T10:00:00Z"

    func path(_ name: String) -> String { tmp.at(name) }

    /// Runs the binary with KOERS_NOW set; `--store` is added when `store` is given.
    @discardableResult
    func koers(_ arguments: [String], store: String? = nil, environment: [String: String] = [:]) -> CommandResult {
        var environment = environment
        if environment["KOERS_NOW"] == nil { environment["KOERS_NOW"] = now }
        return Koers.run(arguments + (store.map { ["--store", path($0)] } ?? []), environment: environment)
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func expectOK(
        _ arguments: [String], store: String? = nil, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        let result = koers(arguments, store: store, environment: environment)
        #expect(result.status == 0, "koers \(arguments.joined(separator: " ")) --store \(store ?? "-"): \(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    func make(_ name: String, owner: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectOK(["init", path(name), "--replica", name, "--owner", owner], sourceLocation: sourceLocation)
    }

    /// Imports JSON Lines objects `{"type","effective","data"}` as events of the replica.
    func importLines(_ lines: [String], into store: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = tmp.write("import-\(UUID().uuidString.prefix(8)).jsonl", lines.joined(separator: "\n") + "\n")
        expectOK(["import", file], store: store, sourceLocation: sourceLocation)
    }

    func record(_ store: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        expectOK(["record"] + arguments, store: store, sourceLocation: sourceLocation)
    }

    /// `koers status --json` of a replica, parsed.
    func status(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONObject {
        let text = expectOK(["status", "--json"], store: store, sourceLocation: sourceLocation)
        return (try? JSONValue(parsing: Array(text.utf8)).objectValue) ?? JSONObject()
    }

    /// The version vector a replica holds, from `koers status --json`.
    func clock(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: UInt64] {
        var clock: [String: UInt64] = [:]
        for (origin, seq) in status(store, sourceLocation: sourceLocation)["clock"]?.objectValue?.members ?? [] {
            clock[origin] = UInt64(seq.integerValue ?? 0)
        }
        return clock
    }

    /// The clock as `--since` and `--upto` take it: `origin:seq,…`.
    func clockText(_ store: String) -> String {
        clock(store).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    }

    /// The lines of one origin's log in a replica.
    func logLines(_ store: String, origin: String) -> [String] {
        String(decoding: fileBytes(path(store) + "/log/\(origin).jsonl"), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Every `log/*.jsonl` file of a replica with its bytes (quarantined lines are evidence, not events).
    func logFiles(_ store: String) -> [String: [UInt8]] {
        snapshot(of: path(store) + "/log").filter { $0.key.hasSuffix(".jsonl") }
    }

    /// A copy of a replica directory under a new name, as a backup or a second device would hold it.
    func copy(_ store: String, to name: String) {
        try! FileManager.default.copyItem(atPath: path(store), toPath: path(name))
    }

    /// The `--exec` command that serves a replica of this world on standard input and output.
    func serveCommand(_ store: String) -> String {
        "\(shellQuote(Koers.binaryPath)) serve --stdio --store \(shellQuote(path(store)))"
    }
}

func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// The pieces of the peer sync wire format, to write bad peers by hand.
enum Wire {
    static let hello: UInt8 = 0x48
    static let proceed: UInt8 = 0x50
    static let events: UInt8 = 0x45
    static let error: UInt8 = 0x58

    /// A frame: 4-byte big-endian length of kind + payload, the kind byte, the payload.
    static func frame(_ kind: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
        header(length: UInt32(payload.count + 1)) + [kind] + payload
    }

    static func frame(_ kind: UInt8, _ text: String) -> [UInt8] { frame(kind, Array(text.utf8)) }

    static func header(length: UInt32) -> [UInt8] {
        [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
    }

    /// The whole frames in a byte stream, in order.
    static func frames(in bytes: [UInt8]) -> [(kind: UInt8, payload: [UInt8])] {
        var frames: [(kind: UInt8, payload: [UInt8])] = []
        var offset = 0
        while offset + 5 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 1, offset + 4 + length <= bytes.count else { break }
            frames.append((bytes[offset + 4], Array(bytes[(offset + 5)..<(offset + 4 + length)])))
            offset += 4 + length
        }
        return frames
    }

    /// The digest a hello states, computed here from the protocol's definition rather than by `Hello`: the
    /// lowercase hex SHA-256 of the canonical JSON of `{"heads":{…},"vector":{…}}`.
    static func digest(vector: [String: UInt64], heads: [String: String]) -> String {
        SHA256.hexDigest(JSONValue.object([
            ("heads", .object(heads.map { ($0.key, .string($0.value)) })),
            ("vector", .object(vector.map { ($0.key, .integer(Int64($0.value))) })),
        ]).canonicalBytes)
    }

    /// A hello as `koers` writes it, with any protocol name and version: full (with the vector and heads) or short
    /// (only their digest); `digest` replaces the digest of the vector and heads given.
    static func helloJSON(
        replica: String = "fake", direction: String = "both", vector: [String: UInt64] = [:], heads: [String: String] = [:],
        full: Bool = true, digest: String? = nil, protocolName: String = "koers-sync", version: Int64 = 2
    ) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("protocol", .string(protocolName)), ("version", .integer(version)), ("replica", .string(replica)),
            ("direction", .string(direction)), ("digest", .string(digest ?? Self.digest(vector: vector, heads: heads))),
        ]
        if full {
            members.append(("vector", .object(vector.map { ($0.key, .integer(Int64($0.value))) })))
            members.append(("heads", .object(heads.map { ($0.key, .string($0.value)) })))
        }
        return JSONValue.object(members).canonicalBytes
    }

    /// The hello of an empty replica as a koers of protocol version 1 wrote it: the vector and heads, no digest.
    static let versionOneHello = #"{"direction":"both","heads":{},"protocol":"koers-sync","replica":"fake","vector":{},"version":1}"#

    /// How a starter opens a round that is not equal: its short hello, then (once the answerer sent its full hello,
    /// which a hand-made starter does not wait for) its full hello.
    static func opening(replica: String, direction: String, vector: [String: UInt64], heads: [String: String]) -> [UInt8] {
        frame(hello, helloJSON(replica: replica, direction: direction, vector: vector, heads: heads, full: false))
            + frame(hello, helloJSON(replica: replica, direction: direction, vector: vector, heads: heads))
    }

    /// A shell command that writes these bytes (as a fake peer's answer), then reads its input to the end so the
    /// other side never meets a broken pipe while it writes its hello.
    static func fakePeer(answering bytes: [UInt8], stderr: String? = nil) -> String {
        var format = ""
        for byte in bytes {
            format += byte == 0x25 ? "%%" : "\\" + String(byte, radix: 8).leftPadded(to: 3)
        }
        var command = "printf '\(format)'"
        if let stderr { command += "; echo \(shellQuote(stderr)) >&2" }
        return command + "; exec cat >/dev/null"
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The heads and vector of a replica as its hello would state them, from `koers status --json`.
func helloState(_ world: SyncWorld, _ store: String) -> (vector: [String: UInt64], heads: [String: String]) {
    var heads: [String: String] = [:]
    for origin in world.status(store)["origins"]?.arrayValue ?? [] {
        if let object = origin.objectValue, let name = object["origin"]?.stringValue, let head = object["head"]?.stringValue {
            heads[name] = head
        }
    }
    return (world.clock(store), heads)
}

/// The outcome of a process run with raw bytes, guarded by a deadline.
struct RawResult: CustomStringConvertible {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
    var timedOut: Bool

    var description: String {
        "exit \(status)\(timedOut ? " (killed at the deadline)" : "")\n--- stdout (\(stdout.count) bytes)\n\(String(decoding: stdout.prefix(2000), as: UTF8.self))\n--- stderr\n\(stderr)"
    }
}

/// Collects what a thread reads; the semaphore orders the write before the read.
private final class Collected: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// Runs the built binary with these bytes on its standard input, killing it if it outlives the deadline
/// (so that a hang fails the test instead of stalling the run).
func runGuarded(
    _ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:], deadline seconds: Double = 60
) -> RawResult {
    signal(SIGPIPE, SIG_IGN)  // a peer that exits early must not kill the test process while it writes
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Koers.binaryPath)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["KOERS_STORE"] = nil
    env["KOERS_NOW"] = nil
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try! process.run()
    let out = Collected()
    let err = Collected()
    for (pipe, collected) in [(output, out), (errors, err)] {
        let handle = pipe.fileHandleForReading
        Thread {
            collected.data = handle.readDataToEndOfFile()
            collected.done.signal()
        }.start()
    }
    let fd = input.fileHandleForWriting.fileDescriptor
    var offset = 0
    while offset < stdin.count {
        let written = stdin.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { break }
        offset += written
    }
    try? input.fileHandleForWriting.close()
    let end = Date().addingTimeInterval(seconds)
    var timedOut = false
    while process.isRunning {
        if Date() > end {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            break
        }
        usleep(2_000)
    }
    process.waitUntilExit()
    out.done.wait()
    err.done.wait()
    return RawResult(
        status: process.terminationStatus, stdout: [UInt8](out.data), stderr: String(decoding: err.data, as: UTF8.self),
        timedOut: timedOut)
}

/// Waits until no process holds the replica's writer lock (a peer that outlived a killed round may still be finishing).
func waitUntilIdle(_ store: String, seconds: Double = 30) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        let fd = open(store + "/lock", O_RDWR)
        if fd < 0 { return true }
        let free = flock(fd, LOCK_EX | LOCK_NB) == 0
        close(fd)  // releases the lock if we took it
        if free { return true }
        usleep(5_000)
    }
    return false
}

/// Waits until a process that is not our child has ended (or is only a zombie left for its reaper).
func waitUntilGone(_ pid: pid_t, seconds: Double = 30) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if kill(pid, 0) != 0 { return true }
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" Z")
        {
            return true
        }
        usleep(5_000)
    }
    return false
}

extension SyncWorld {
    /// What the programme office sets up first: owners, a theme line, a project, a partner, budget lines, a subsidy.
    static let programmeSetup = [
        #"{"type":"owner-joined","effective":"2024-01-01","data":{"owner":"enschede","name":"Enschede","kind":"municipality"}}"#,
        #"{"type":"owner-joined","effective":"2024-01-01","data":{"owner":"hengelo","name":"Hengelo","kind":"municipality"}}"#,
        #"{"type":"owner-joined","effective":"2024-01-01","data":{"owner":"oldenzaal","name":"Oldenzaal","kind":"municipality"}}"#,
        #"{"type":"owner-joined","effective":"2024-01-01","data":{"owner":"menzis","name":"Menzis","kind":"insurer"}}"#,
        #"{"type":"theme-defined","effective":"2024-01-01","data":{"theme":"jeugd","name":"Jeugd"}}"#,
        #"{"type":"project-started","effective":"2024-02-01","data":{"project":"p","name":"P","theme":"jeugd","lead":"enschede"}}"#,
        #"{"type":"partner-registered","effective":"2024-02-01","data":{"partner":"tactus","name":"Tactus","kind":"care provider"}}"#,
        #"{"type":"partner-linked","effective":"2024-02-01","data":{"partner":"tactus","project":"p","role":"uitvoerder"}}"#,
        #"{"type":"budget-line-opened","effective":"2024-01-01","data":{"line":"menzis-2024","year":2024,"side":"income","name":"Bijdrage Menzis","funder":"menzis","amountCents":5000000}}"#,
        #"{"type":"budget-line-opened","effective":"2024-01-01","data":{"line":"p-2024","year":2024,"side":"expense","name":"Project P","theme":"jeugd","amountCents":3000000}}"#,
        #"{"type":"subsidy-requested","effective":"2024-03-01","data":{"subsidy":"spuk","name":"SPUK IZA","grantor":"VWS","amountCents":10000000,"year":2024,"projects":["p"]}}"#,
    ]

    /// The programme office replica with the programme set up, and the named replicas that took it in.
    /// The programme office trusts its own key as the programme's root; each named replica is made from it
    /// (inheriting that trust), enrolled by it for its owner, and then takes in the enrolment.
    func makeProgramme(joining others: [(name: String, owner: String)] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        make("programmabureau", owner: "programmabureau", sourceLocation: sourceLocation)
        expectOK(["trust", "add", "bureau", publicKey("programmabureau")], store: "programmabureau", sourceLocation: sourceLocation)
        importLines(Self.programmeSetup, into: "programmabureau", sourceLocation: sourceLocation)
        for other in others {
            expectOK(
                ["init", path(other.name), "--replica", other.name, "--owner", other.owner, "--from", path("programmabureau")],
                sourceLocation: sourceLocation)
            enrol(other.name, owner: other.owner, sourceLocation: sourceLocation)
            expectOK(["sync", path("programmabureau"), "--pull"], store: other.name, sourceLocation: sourceLocation)
        }
    }

    /// The replica's public key, from `koers key show`.
    func publicKey(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        expectOK(["key", "show"], store: store, sourceLocation: sourceLocation).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The programme office enrols a replica's key for an owner.
    func enrol(_ store: String, owner: String, sourceLocation: SourceLocation = #_sourceLocation) {
        record("programmabureau", ["replica-enrolled", "--replica", store, "--owner", owner, "--key", publicKey(store)], sourceLocation: sourceLocation)
    }

    /// `count` indicator values as import lines (a municipality's own values when given); `padding` characters of
    /// unit make each stored event longer than its usual 400-odd bytes.
    static func indicatorLines(_ count: Int, municipality: String? = nil, tag: String, padding: Int = 0) -> [String] {
        (0..<count).map { i in
            let place = municipality.map { #","municipality":"\#($0)""# } ?? ""
            let unit = padding > 0 ? #","unit":"\#(String(repeating: "x", count: padding))""# : ""
            return #"{"type":"indicator-recorded","effective":"2024-06-01","data":{"project":"p","indicator":"\#(tag)-\#(i)","period":"2024-06","value":\#(i)\#(place)\#(unit)}}"#
        }
    }
}

/// Waits for a child process; kills it if it outlives the deadline. True if it ended by itself.
func waitForExit(_ process: Process, seconds: Double) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < end { usleep(2_000) }
    let ended = !process.isRunning
    if !ended { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return ended
}
