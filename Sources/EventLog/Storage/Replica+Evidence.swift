/// Equivocation: two different events with the same origin and seq, both validly signed by the same key.
///
/// Only the origin's key holder can make both, so the pair proves that the replica was copied and
/// used twice, or that its owner is dishonest. A log can hold only one of them; the pair is kept
/// outside the log as evidence, in `evidence/ORIGIN-SEQ.jsonl` (the two event lines, in hash order),
/// for the programme office to revoke that replica.
public struct Equivocation: Sendable, Equatable {
    public var origin: String
    public var seq: UInt64
    /// The two events, in hash order.
    public var events: [Event]
    /// Where the evidence is kept, relative to the replica.
    public var file: String { "evidence/\(origin)-\(seq).jsonl" }

    /// The equivocation two events prove, or nil if they do not prove one.
    public init?(_ first: Event, _ second: Event) {
        guard first.origin == second.origin, first.seq == second.seq, first.hash != second.hash,
            first.computedHash == first.hash, second.computedHash == second.hash,
            let key = first.signerKey, second.signerKey == key,
            first.hasValidSignature, second.hasValidSignature
        else { return nil }
        origin = first.origin
        seq = first.seq
        events = [first, second].sorted { $0.hash < $1.hash }
    }

    /// The equivocation proved by evidence as it is kept and sent: two event lines; nil if they prove none.
    public init?(evidence bytes: [UInt8]) {
        let lines = bytes.split(separator: 0x0A).map(Array.init)
        guard lines.count == 2, let first = try? Event.parse(line: lines[0]), let second = try? Event.parse(line: lines[1]) else {
            return nil
        }
        self.init(first, second)
    }

    /// The evidence as it is kept and sent: the two event lines, in hash order.
    public var evidence: [UInt8] { events.flatMap { $0.line + [0x0A] } }
}

extension Replica {
    var evidenceDirectory: String { directory + "/evidence" }

    /// Keeps the evidence durably (once; keeping it again changes nothing).
    public func keep(_ equivocation: Equivocation) throws(EventLogError) {
        let path = directory + "/" + equivocation.file
        guard !FileIO.exists(path) else { return }
        if !FileIO.exists(evidenceDirectory) {
            try FileIO.makeDirectory(evidenceDirectory)
            try FileIO.syncDirectory(directory)
        }
        try FileIO.writeNewFile(path, equivocation.evidence, directory: evidenceDirectory)
    }

    /// The evidence kept, in file name order; a file that does not prove an equivocation is skipped.
    public func equivocations() throws(EventLogError) -> [Equivocation] {
        guard FileIO.isDirectory(evidenceDirectory) else { return [] }
        var found: [Equivocation] = []
        for name in try FileIO.listDirectory(evidenceDirectory).sorted() where name.hasSuffix(".jsonl") {
            if let equivocation = Equivocation(evidence: try FileIO.readAll(evidenceDirectory + "/" + name)) {
                found.append(equivocation)
            }
        }
        return found
    }
}
