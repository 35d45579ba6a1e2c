#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Event {
    /// Reads one event from the bytes of one line, checking every member's form (not the hash or the chain; see `LogVerifier`).
    public static func parse(line: UnsafeBufferPointer<UInt8>) throws(EnvelopeError) -> Event {
        try parse(line: line, repeated: nil)
    }

    /// As `parse(line:)`, sharing the strings that earlier lines read through `repeated` (for reading a log line after line).
    package static func parse(line: UnsafeBufferPointer<UInt8>, repeated: RepeatedStrings?) throws(EnvelopeError) -> Event {
        try read(line, repeated: repeated).event
    }

    /// An event read from a line, with the hash its content gives (what `computedHash` gives, found faster).
    package struct Hashed {
        package var event: Event
        package var computedHash: String
        /// Whether the line is byte for byte the event's stored form (`event.line`), so it can be kept as it came.
        package var lineIsCanonical: Bool
    }

    /// Reads one event and hashes its content: the one way stored and received lines are checked.
    ///
    /// A line in canonical form is hashed as it stands, without its `hash` and `sig` members, which is
    /// what writing the event anew would give; any other line is written anew to be hashed, so both ways
    /// agree on every line (the property tests in `CanonicalLineTests` hold them to it).
    package static func parseHashing(line: UnsafeBufferPointer<UInt8>, repeated: RepeatedStrings? = nil) throws(EnvelopeError) -> Hashed {
        let (event, cut) = try read(line, repeated: repeated)
        guard let cut else { return Hashed(event: event, computedHash: event.computedHash, lineIsCanonical: false) }
        var hasher = SHA256()
        var start = 0
        for member in [cut.hash, cut.sig] where !member.isEmpty {
            hasher.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[start..<member.lowerBound])))
            start = member.upperBound
        }
        hasher.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: line[start...])))
        return Hashed(event: event, computedHash: hexString(hasher.finalize()), lineIsCanonical: true)
    }

    /// Where a canonical line's `hash` and `sig` members stand, each with the comma after it (`sig`'s empty when absent).
    private struct HashCut {
        var hash: Range<Int>
        var sig: Range<Int>
    }

    /// The event, and where its hashed members stand if the line is canonical (nil otherwise).
    private static func read(_ line: UnsafeBufferPointer<UInt8>, repeated: RepeatedStrings?) throws(EnvelopeError) -> (event: Event, cut: HashCut?) {
        var reader = JSONReader(line, repeated: repeated)
        var cut = HashCut(hash: 0..<0, sig: 0..<0)
        var lastRank = -1
        var origin: String?
        var seq: UInt64?
        var clock: VersionVector?
        var hlc: HybridTimestamp?
        var effective: LocalDate?
        var type: String?
        var data: JSONObject?
        var prev: String??
        var hash: String?
        var sig: String?
        var field: String? = nil
        do {
            try reader.expect(UInt8(ascii: "{"))
            if try !reader.consume(UInt8(ascii: "}")) {
                repeat {
                    field = nil
                    let memberStart = reader.index
                    let (name, member, rank) = try memberName(&reader)
                    field = name
                    // Canonical members stand in the order of `Member`.
                    if rank <= lastRank { reader.markNotCanonical() }
                    lastRank = rank
                    try reader.expect(UInt8(ascii: ":"))
                    switch member {
                    case .origin?:
                        try once(origin, name)
                        origin = try identifier(reader.readString(), name)
                    case .seq?:
                        try once(seq, name)
                        let value = try reader.readInteger()
                        guard value >= 1 else { throw EnvelopeError(field: name, problem: "must be 1 or more, not \(value)") }
                        seq = UInt64(value)
                    case .clock?:
                        try once(clock, name)
                        clock = try readClock(&reader)
                    case .hlc?:
                        try once(hlc, name)
                        // Read in place: a valid timestamp has no escapes.
                        let start = reader.index
                        if let bytes = try reader.readPlainStringBytes(), let parsed = HybridTimestamp(parsing: bytes) {
                            hlc = parsed
                        } else {
                            reader.index = start
                            let text = try reader.readString()
                            do { hlc = try HybridTimestamp(parsing: text) } catch {
                                throw EnvelopeError(field: name, problem: "'\(text)' is not a hybrid timestamp like '2025-04-22T09:30:00.123Z+0'")
                            }
                        }
                    case .effective?:
                        try once(effective, name)
                        let text = try reader.readString()
                        guard let date = LocalDate(parsing: text) else {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a date YYYY-MM-DD")
                        }
                        effective = date
                    case .type?:
                        try once(type, name)
                        let text = try reader.readRepeatedString()
                        guard Identifier.isValidTypeName(text) else {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a kebab-case type name")
                        }
                        type = text
                    case .data?:
                        try once(data, name)
                        guard try reader.peek() == UInt8(ascii: "{") else {
                            throw EnvelopeError(field: name, problem: "must be an object")
                        }
                        data = try reader.readObject()
                    case .prev?:
                        try once(prev, name)
                        if try reader.peek() == UInt8(ascii: "n") {
                            try reader.readLiteral("null")
                            prev = .some(nil)
                        } else {
                            prev = .some(try Self.hash(&reader, name))
                        }
                    case .hash?:
                        try once(hash, name)
                        hash = try Self.hash(&reader, name)
                        cut.hash = memberStart..<(reader.index + 1)
                    case .sig?:
                        try once(sig, name)
                        let text = try reader.readString()
                        guard EventSignature.isWellFormed(text) else {
                            throw EnvelopeError(field: name, problem: "is not 'ed25519:<public key, 64 hex digits>:<signature, 128 hex digits>'")
                        }
                        sig = text
                        cut.sig = memberStart..<(reader.index + 1)
                    case nil:
                        throw EnvelopeError(field: name, problem: "is not a member of an event")
                    }
                    // The member was read whole: what goes wrong after it (a torn line, a missing comma) is not its fault.
                    field = nil
                } while try reader.consume(UInt8(ascii: ","))
                try reader.expect(UInt8(ascii: "}"))
            }
            try reader.expectEnd()
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(field: field, problem: "\(error)")
        }
        func required<T>(_ value: T?, _ name: String) throws(EnvelopeError) -> T {
            guard let value else { throw EnvelopeError(field: name, problem: "is missing") }
            return value
        }
        let event = Event(
            origin: try required(origin, "origin"), seq: try required(seq, "seq"), clock: try required(clock, "clock"),
            hlc: try required(hlc, "hlc"), effective: try required(effective, "effective"),
            type: try required(type, "type"), data: try required(data, "data"), prev: try required(prev, "prev"),
            hash: try required(hash, "hash"), sig: sig)
        if (event.seq == 1) != (event.prev == nil) {
            throw EnvelopeError(field: "prev", problem: event.seq == 1 ? "must be null for seq 1" : "must not be null after seq 1")
        }
        // In canonical order `type` follows both, so each is followed by its comma.
        return (event, reader.isCanonical ? cut : nil)
    }

    /// The `hlc` of an event's line, found without reading the rest of it: enough to merge logs in the log's
    /// order when their lines are sent on as they stand (whoever receives them reads them whole).
    package static func hlc(ofLine line: UnsafeBufferPointer<UInt8>) throws(EnvelopeError) -> HybridTimestamp {
        var reader = JSONReader(line)
        var field: String?
        do {
            try reader.expect(UInt8(ascii: "{"))
            if try !reader.consume(UInt8(ascii: "}")) {
                repeat {
                    field = nil
                    let (name, member, _) = try memberName(&reader)
                    field = name
                    try reader.expect(UInt8(ascii: ":"))
                    if member == .hlc {
                        let text = try reader.readString()
                        guard let hlc = try? HybridTimestamp(parsing: text) else {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a hybrid timestamp like '2025-04-22T09:30:00.123Z+0'")
                        }
                        return hlc
                    }
                    try reader.skipValue()
                } while try reader.consume(UInt8(ascii: ","))
            }
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(field: field, problem: "\(error)")
        }
        throw EnvelopeError(field: "hlc", problem: "is missing")
    }

    /// Reads one event from a line given as bytes.
    public static func parse(line: [UInt8]) throws(EnvelopeError) -> Event {
        try line.withUnsafeBufferPointer { buffer throws(EnvelopeError) in try parse(line: buffer) }
    }

    private static func once<T>(_ existing: T?, _ name: String) throws(EnvelopeError) {
        if existing != nil { throw EnvelopeError(field: name, problem: "appears twice") }
    }

    private static func identifier(_ text: String, _ name: String) throws(EnvelopeError) -> String {
        guard Identifier.isValid(text) else {
            throw EnvelopeError(field: name, problem: "'\(text)' is not an identifier [a-z0-9][a-z0-9-]{0,63}")
        }
        return text
    }

    /// The envelope's members, named as in `memberNames`, in canonical order (by their names' bytes): a
    /// member read is told by its case, so that no string is compared for it.
    private enum Member: String, CaseIterable {
        case clock, data, effective, hash, hlc, origin, prev, seq, sig, type
    }

    /// The members' names as bytes, in canonical order, to match without making a String.
    private static let names: [(bytes: [UInt8], member: Member)] = Member.allCases.map { (Array($0.rawValue.utf8), $0) }

    /// A member's name, which member it is (nil for a name that is not one), and its place in canonical
    /// order (after every member for a name that is not one).
    private static func memberName(_ reader: inout JSONReader) throws -> (name: String, member: Member?, rank: Int) {
        let start = reader.index
        if let raw = try reader.readPlainStringBytes(), let first = raw.first {
            for (rank, known) in names.enumerated() where known.bytes.count == raw.count && known.bytes[0] == first
                && known.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 })
            {
                return (known.member.rawValue, known.member, rank)
            }
        }
        reader.index = start
        let name = try reader.readString()
        if let rank = names.firstIndex(where: { $0.member.rawValue.bytesEqual(name) }) { return (name, names[rank].member, rank) }
        return (name, nil, names.count)
    }

    private static func hash(_ reader: inout JSONReader, _ name: String) throws -> String {
        let start = reader.index
        if let hash = try reader.readHexHash() { return hash }
        reader.index = start
        return try hexHash(reader.readString(), name)
    }

    private static func hexHash(_ text: String, _ name: String) throws(EnvelopeError) -> String {
        let valid = text.utf8.count == 64
            && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        guard valid else { throw EnvelopeError(field: name, problem: "'\(text)' is not 64 lowercase hex digits") }
        return text
    }

    private static func readClock(_ reader: inout JSONReader) throws(EnvelopeError) -> VersionVector {
        var clock = VersionVector()
        do {
            try reader.expect(UInt8(ascii: "{"))
            if try reader.consume(UInt8(ascii: "}")) { return clock }
            var previous: String?
            repeat {
                let origin = try reader.readRepeatedString()
                // Canonical clocks list their origins in order (the vector keeps them so).
                if let previous, !previous.bytesPrecede(origin) { reader.markNotCanonical() }
                previous = origin
                guard Identifier.isValid(origin) else {
                    throw EnvelopeError(field: "clock", problem: "'\(origin)' is not an identifier [a-z0-9][a-z0-9-]{0,63}")
                }
                try reader.expect(UInt8(ascii: ":"))
                let seq = try reader.readInteger()
                guard seq >= 1 else { throw EnvelopeError(field: "clock.\(origin)", problem: "must be 1 or more, not \(seq)") }
                guard clock[origin] == 0 else {
                    throw EnvelopeError(field: "clock.\(origin)", problem: "appears twice")
                }
                clock[origin] = UInt64(seq)
            } while try reader.consume(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "}"))
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(field: "clock", problem: "\(error)")
        }
        return clock
    }
}
