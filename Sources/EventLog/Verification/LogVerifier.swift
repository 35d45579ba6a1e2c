import Dispatch
import Synchronization

/// Checks the integrity of a whole replica: every line, hash, `prev` link, `seq` step and clock.
///
/// Per origin it checks that `seq` runs 1, 2, 3 …, that `prev` is the hash of the event before,
/// that `hash` is right, that `clock[origin] == seq`, that clocks and timestamps never go back;
/// across origins, that every clock names only events the replica holds and that every event's
/// timestamp is later than those of its causal past.
public enum LogVerifier {
    /// One thing wrong, and where.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        /// `origin:seq` of the event at fault, when the line could be read as one.
        public var event: String?
        public var message: String

        public var description: String {
            "\(file):\(line): \(event.map { "event \($0): " } ?? "")\(message)"
        }
    }

    /// The outcome of a verification.
    public struct Report: Sendable {
        public var events: Int = 0
        /// Valid signatures found (only counted when signatures are verified).
        public var signaturesVerified: Int = 0
        public var origins: [String] = []
        public var problems: [Problem] = []
        /// Logs whose last line is incomplete (a write in progress, or a torn write not yet set aside).
        public var partialTails: [String] = []
        public var isValid: Bool { problems.isEmpty }
    }

    /// A dependency to check once every log is read: the event at `file:line` names `origin:seq` in its clock.
    private struct Dependency {
        var file: String
        var line: Int
        var event: String
        var hlc: HybridTimestamp
        var origin: String
        var seq: UInt64
    }

    static let blockSize = 4096

    /// One line read as an event, with the hash its content gives: what the checks in order need of it.
    ///
    /// Taken from the event on the thread that parsed it, so that the event (its data holds most of its
    /// allocations) is freed there. When the checking thread received whole events, copying and freeing
    /// them took half of its time, and it is the thread that a verification waits for.
    struct Parsed: Sendable {
        var envelope: Result<Envelope, EnvelopeError>
        var computedHash: String
        /// Whether its signature is valid; nil when not checked (or the event is unsigned).
        var signatureValid: Bool? = nil
    }

    /// The members of an event that link it to the others.
    struct Envelope: Sendable {
        var origin: String
        var seq: UInt64
        var clock: VersionVector
        var hlc: HybridTimestamp
        var prev: String?
        var hash: String
        var sig: String?

        init(_ event: Event) {
            (origin, seq, clock, hlc, prev, hash, sig) = (event.origin, event.seq, event.clock, event.hlc, event.prev, event.hash, event.sig)
        }
    }

    /// Reads one line as an event and hashes its content (and verifies its signature, if asked).
    static func parse(_ line: UnsafeBufferPointer<UInt8>, signatures: Bool) -> Parsed {
        do throws(EnvelopeError) {
            let read = try Event.parseHashing(line: line)
            let event = read.event
            // A signature covers the stated hash; a wrong hash is reported on its own.
            let signatureValid = signatures && event.sig != nil ? event.hasValidSignature : nil
            return Parsed(envelope: .success(Envelope(event)), computedHash: read.computedHash, signatureValid: signatureValid)
        } catch {
            return Parsed(envelope: .failure(error), computedHash: "")
        }
    }

    /// Lines of one log, end to end in one buffer (no allocation per line), with where each ends.
    struct LineBlock: Sendable {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        /// The line number of the first line.
        var firstNumber: Int

        var count: Int { ends.count }

        mutating func append(_ line: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: line)
            ends.append(bytes.count)
        }

        func parse(_ index: Int, signatures: Bool) -> Parsed {
            let start = index == 0 ? 0 : ends[index - 1]
            return bytes.withUnsafeBufferPointer { all in
                LogVerifier.parse(UnsafeBufferPointer(rebasing: all[start..<ends[index]]), signatures: signatures)
            }
        }
    }

    /// A block of lines being parsed and hashed on two threads, while the caller reads the next block and checks the one before.
    final class BlockParse: Sendable {
        let block: LineBlock
        private let halves = Mutex<[[Parsed]]>([[], []])
        private let group = DispatchGroup()

        init(_ block: LineBlock, signatures: Bool) {
            self.block = block
            let half = (block.count + 1) / 2
            for part in 0..<2 {
                let range = part == 0 ? 0..<half : half..<block.count
                // A thread of its own rather than the shared pool, which may be busy (tests run many things at once).
                group.enter()
                DetachedThread.start { [self] in
                    let parsed = range.map { block.parse($0, signatures: signatures) }
                    halves.withLock { $0[part] = parsed }
                    group.leave()
                }
            }
        }

        /// The block's two halves in line order, once both are done; taken out, not copied.
        func results() -> [[Parsed]] {
            group.wait()
            return halves.withLock { halves in
                defer { halves = [] }
                return halves
            }
        }
    }

    /// With `signatures`, every event's signature is verified too (the costly part, on both cores) and an unsigned event is a problem.
    /// Without, each origin's events must still name one signing key throughout.
    public static func verify(_ replica: Replica, signatures: Bool = false, maxProblems: Int = 100) throws -> Report {
        var report = Report()
        var timestamps: [String: [HybridTimestamp]] = [:]
        var dependencies: [Dependency] = []
        func note(_ problem: Problem) {
            if report.problems.count < maxProblems { report.problems.append(problem) }
        }
        report.origins = try replica.origins()
        for origin in report.origins {
            let file = replica.displayPath(origin: origin)
            var previous: Envelope?
            /// The key that signed `previous`, kept so that it is not made anew for every event.
            var previousKey: String?
            var hlcs: [HybridTimestamp] = []
            var broken = false
            // Parsing and hashing, the costly part, run on both cores a block of lines at a time;
            // the checks that link each event to the one before run in order.
            func check(_ parsed: Parsed, _ number: Int) {
                report.events += 1
                guard !broken else { return }
                let event: Envelope
                switch parsed.envelope {
                case .failure(let error):
                    note(Problem(file: file, line: number, event: nil, message: error.description))
                    broken = true
                    return
                case .success(let parsedEvent):
                    event = parsedEvent
                }
                // Spelled out only for a problem or a dependency: most events have neither.
                var name: String { "\(event.origin):\(event.seq)" }
                func problem(_ message: String) { note(Problem(file: file, line: number, event: name, message: message)) }
                if event.origin != origin {
                    problem("origin is '\(event.origin)' but the file holds the log of '\(origin)'")
                    broken = true
                    return
                }
                let wantSeq = (previous?.seq ?? 0) + 1
                if event.seq != wantSeq {
                    problem("seq is \(event.seq) where \(wantSeq) should follow")
                    broken = true
                    return
                }
                let computed = parsed.computedHash
                if computed != event.hash { problem("hash is \(event.hash) but the content hashes to \(computed)") }
                if event.prev != previous?.hash {
                    problem("prev is \(event.prev ?? "null") but the previous event's hash is \(previous?.hash ?? "none")")
                }
                let keyProblem = EventSignature.keyProblem(origin: event.origin, sig: event.sig, after: previousKey)
                if let keyProblem { problem(keyProblem) }
                if signatures {
                    switch parsed.signatureValid {
                    case nil: problem("is not signed")
                    case false?: problem("signature is not valid for its origin, seq and hash under the key it names (\(EventSignature.key(named: event.sig) ?? "?"))")
                    case true?: report.signaturesVerified += 1
                    }
                }
                if event.clock[origin] != event.seq {
                    problem("clock[\(origin)] is \(event.clock[origin]), not its own seq \(event.seq)")
                }
                if let previous {
                    if event.hlc <= previous.hlc {
                        problem("hlc \(event.hlc) is not later than the previous event's \(previous.hlc)")
                    }
                    let order = previous.clock.compare(to: event.clock)
                    if order != .before {
                        problem("clock \(event.clock) does not extend the previous event's clock \(previous.clock)")
                    }
                }
                for entry in event.clock.entries where entry.origin != origin && entry.seq > previous.map({ $0.clock[entry.origin] }) ?? 0 {
                    dependencies.append(Dependency(file: file, line: number, event: name, hlc: event.hlc, origin: entry.origin, seq: entry.seq))
                }
                hlcs.append(event.hlc)
                if previousKey == nil || keyProblem != nil { previousKey = EventSignature.key(named: event.sig) }
                previous = event
            }
            // One block is parsed while the next is read and the one before is checked, so both cores stay busy.
            var block = LineBlock(firstNumber: 1)
            var inFlight: BlockParse?
            func startBlock() {
                let started = BlockParse(block, signatures: signatures)
                if let inFlight { checkBlock(inFlight) }
                inFlight = started
                block = LineBlock(firstNumber: block.firstNumber + block.count)
                block.bytes.reserveCapacity(started.block.bytes.count)
            }
            func checkBlock(_ parse: BlockParse) {
                var number = parse.block.firstNumber
                for half in parse.results() {
                    for parsed in half {
                        check(parsed, number)
                        number += 1
                    }
                }
            }
            let tail = try LogFile.forEachLine(replica.logPath(origin)) { line, _ in
                block.append(line)
                if block.count == blockSize { startBlock() }
            }
            startBlock()
            if let inFlight { checkBlock(inFlight) }
            if tail.partialBytes > 0 { report.partialTails.append(file) }
            timestamps[origin] = hlcs
        }
        for dependency in dependencies {
            let held = timestamps[dependency.origin] ?? []
            guard dependency.seq <= UInt64(held.count) else {
                note(Problem(file: dependency.file, line: dependency.line, event: dependency.event,
                    message: "clock refers to \(dependency.origin):\(dependency.seq), but the replica holds \(held.count) events of \(dependency.origin)"))
                continue
            }
            let causeTime = held[Int(dependency.seq) - 1]
            if dependency.hlc <= causeTime {
                note(Problem(file: dependency.file, line: dependency.line, event: dependency.event,
                    message: "hlc \(dependency.hlc) is not later than that of \(dependency.origin):\(dependency.seq) in its causal past (\(causeTime))"))
            }
        }
        return report
    }
}
