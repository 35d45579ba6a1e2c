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
        var reader = JSONReader(line, repeated: repeated)
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
                    let name = try memberName(&reader)
                    field = name
                    try reader.expect(UInt8(ascii: ":"))
                    switch name {
                    case "origin":
                        try once(origin, name)
                        origin = try identifier(reader.readString(), name)
                    case "seq":
                        try once(seq, name)
                        let value = try reader.readInteger()
                        guard value >= 1 else { throw EnvelopeError(field: name, problem: "must be 1 or more, not \(value)") }
                        seq = UInt64(value)
                    case "clock":
                        try once(clock, name)
                        clock = try readClock(&reader)
                    case "hlc":
                        try once(hlc, name)
                        let text = try reader.readString()
                        do { hlc = try HybridTimestamp(parsing: text) } catch {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a hybrid timestamp like '2025-04-22T09:30:00.123Z+0'")
                        }
                    case "effective":
                        try once(effective, name)
                        let text = try reader.readString()
                        guard let date = LocalDate(parsing: text) else {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a date YYYY-MM-DD")
                        }
                        effective = date
                    case "type":
                        try once(type, name)
                        let text = try reader.readRepeatedString()
                        guard Identifier.isValidTypeName(text) else {
                            throw EnvelopeError(field: name, problem: "'\(text)' is not a kebab-case type name")
                        }
                        type = text
                    case "data":
                        try once(data, name)
                        guard try reader.peek() == UInt8(ascii: "{") else {
                            throw EnvelopeError(field: name, problem: "must be an object")
                        }
                        data = try reader.readObject()
                    case "prev":
                        try once(prev, name)
                        if try reader.peek() == UInt8(ascii: "n") {
                            try reader.readLiteral("null")
                            prev = .some(nil)
                        } else {
                            prev = .some(try Self.hash(&reader, name))
                        }
                    case "hash":
                        try once(hash, name)
                        hash = try Self.hash(&reader, name)
                    case "sig":
                        try once(sig, name)
                        let text = try reader.readString()
                        guard EventSignature.isWellFormed(text) else {
                            throw EnvelopeError(field: name, problem: "is not 'ed25519:<public key, 64 hex digits>:<signature, 128 hex digits>'")
                        }
                        sig = text
                    default:
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
        return event
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

    /// The envelope's member names, matched as bytes so no String is made for them.
    private static let names: [(bytes: [UInt8], name: String)] = memberNames.map { (Array($0.utf8), $0) }

    private static func memberName(_ reader: inout JSONReader) throws -> String {
        let start = reader.index
        if let raw = try reader.readPlainStringBytes(), let first = raw.first {
            for known in names where known.bytes.count == raw.count && known.bytes[0] == first
                && known.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 })
            {
                return known.name
            }
        }
        reader.index = start
        return try reader.readString()
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
            repeat {
                let origin = try reader.readRepeatedString()
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
