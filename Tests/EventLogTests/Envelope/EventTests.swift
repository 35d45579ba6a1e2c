import Foundation
import Testing
import EventLog
import TestSupport

/// Builds the envelope of `event` as a plain JSON object, member by member, without going through `Event`'s writer.
func envelopeValue(of event: Event, includingHash: Bool) -> JSONValue {
    var members: [(String, JSONValue)] = [
        ("origin", .string(event.origin)),
        ("seq", .integer(Int64(event.seq))),
        ("clock", .object(event.clock.entries.map { ($0.origin, JSONValue.integer(Int64($0.seq))) })),
        ("hlc", .string(event.hlc.description)),
        ("effective", .string(event.effective.description)),
        ("type", .string(event.type)),
        ("data", .object(event.data)),
        ("prev", event.prev.map { .string($0) } ?? .null),
    ]
    if includingHash {
        members.append(("hash", .string(event.hash)))
        if let sig = event.sig { members.append(("sig", .string(sig))) }
    }
    return .object(members)
}

/// Random, well-formed events: every member varies, the data is a random JSON object.
struct EventGenerator {
    static let origins = ["programmabureau", "menzis", "a", "0-x", "kantoor-2", "z9"]
    static let types = ["project-started", "theme-defined", "a", "budget-2-set"]
    /// 9999-12-31T23:59:59.999Z, the last instant the timestamp text can spell.
    static let lastMillis: Int64 = 253_402_300_799_999

    var trees: JSONTreeGenerator

    init(seed: UInt64) {
        trees = JSONTreeGenerator(seed: seed)
    }

    mutating func hex64() -> String {
        (0..<4).map { _ in
            let part = String(UInt64.random(in: 0...UInt64.max, using: &trees.random), radix: 16)
            return String(repeating: "0", count: 16 - part.count) + part
        }.joined()
    }

    mutating func event() -> Event {
        let origin = Self.origins.randomElement(using: &trees.random)!
        let seq = Bool.random(using: &trees.random) ? UInt64.random(in: 1...3, using: &trees.random) : UInt64.random(in: 1...9_007_199_254_740_991, using: &trees.random)
        var clock = VersionVector()
        for other in Self.origins where Int.random(in: 0..<3, using: &trees.random) == 0 {
            clock[other] = UInt64.random(in: 1...1000, using: &trees.random)
        }
        clock[origin] = seq
        let hlc = HybridTimestamp(
            millis: Int64.random(in: 0...Self.lastMillis, using: &trees.random),
            counter: Bool.random(using: &trees.random) ? 0 : UInt32.random(in: 0...UInt32.max, using: &trees.random))
        let year = Int.random(in: 1...9999, using: &trees.random)
        let month = Int.random(in: 1...12, using: &trees.random)
        let day = Int.random(in: 1...LocalDate.daysInMonth(year: year, month: month), using: &trees.random)
        var data = JSONObject()
        if case .object(let object) = trees.value(depth: 2), Bool.random(using: &trees.random) { data = object }
        if data.isEmpty, Bool.random(using: &trees.random) { data["amount"] = .integer(trees.integer()) }
        return Event(
            origin: origin, seq: seq, clock: clock, hlc: hlc, effective: LocalDate(year: year, month: month, day: day)!,
            type: Self.types.randomElement(using: &trees.random)!, data: data, prev: seq == 1 ? nil : hex64(),
            sig: Int.random(in: 0..<4, using: &trees.random) == 0 ? "ed25519:\(hex64()):\(hex64())\(hex64())" : nil
        ).sealed()
    }
}

@Suite struct EventTests {
    static func timestamp(_ text: String) -> HybridTimestamp {
        try! HybridTimestamp(parsing: text)
    }

    /// The first event of `programmabureau`, and a second one with another origin in its clock and awkward data.
    static let first = Event(
        origin: "programmabureau", seq: 1, clock: VersionVector(["programmabureau": 1]),
        hlc: timestamp("2024-11-01T09:00:00.000Z+0"), effective: LocalDate(year: 2019, month: 6, day: 1)!,
        type: "theme-defined", data: JSONObject(uniqueMembers: [("id", .string("jeugd")), ("name", .string("Jeugd"))]),
        prev: nil
    ).sealed()

    static let second = Event(
        origin: "programmabureau", seq: 2, clock: VersionVector(["programmabureau": 2, "menzis": 3]),
        hlc: timestamp("2024-11-01T09:00:00.000Z+1"), effective: LocalDate(year: 2024, month: 10, day: 31)!,
        type: "project-started",
        data: JSONObject(uniqueMembers: [
            ("id", .string("welzijn-op-recept")), ("budget", .integer(150_000)), ("naam", .string("Café “Één” €\u{1}")),
            ("regels", .array([.integer(1), .integer(-2), .object([("b", .null), ("a", .bool(true))])])),
        ]),
        prev: first.hash
    ).sealed()

    // MARK: The hash

    /// Hashes computed outside Swift (Python: json.dumps with sort_keys and compact separators, then hashlib.sha256).
    @Test func hashesMatchAnIndependentImplementation() {
        #expect(Self.first.hashedBytes == Array(#"{"clock":{"programmabureau":1},"data":{"id":"jeugd","name":"Jeugd"},"effective":"2019-06-01","hlc":"2024-11-01T09:00:00.000Z+0","origin":"programmabureau","prev":null,"seq":1,"type":"theme-defined"}"#.utf8))
        #expect(Self.first.hash == "816637fc5ced84e1d1ac571cf7bc22d8feed64d18288886ddff4a39c1bd05cb6")
        #expect(Self.second.hash == "04f6ceb3d54ca7c425562e16367b8e47bef2076e637b094b4a28d96a9979c471")
    }

    static let seeds: [UInt64] = [0x6B6F_6572_7304, 20_250_424, 5]
    static let cases = 200

    @Test(arguments: seeds)
    func hashIsSHA256OfTheCanonicalEnvelopeWithoutHashAndSig(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        for i in 0..<Self.cases {
            let event = generator.event()
            let byHand = envelopeValue(of: event, includingHash: false).canonicalBytes
            #expect(event.hashedBytes == byHand, "seed \(seed) case \(i): \(String(decoding: event.line, as: UTF8.self))")
            #expect(event.hash == SHA256.hexDigest(byHand), "seed \(seed) case \(i)")
            #expect(event.computedHash == event.hash, "seed \(seed) case \(i)")
            // The same from the stored line: drop hash and sig, canonicalize, hash.
            var stored = try #require(try JSONValue(parsing: event.line).objectValue, "seed \(seed) case \(i)")
            stored["hash"] = nil
            stored["sig"] = nil
            #expect(SHA256.hexDigest(JSONValue.object(stored).canonicalBytes) == event.hash, "seed \(seed) case \(i)")
        }
    }

    @Test(arguments: seeds)
    func lineParsesBackAndReencodesIdentically(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        for i in 0..<Self.cases {
            let event = generator.event()
            let line = event.line
            #expect(line == envelopeValue(of: event, includingHash: true).canonicalBytes, "seed \(seed) case \(i)")
            #expect(!line.contains(0x0A), "seed \(seed) case \(i): a line holds no newline")
            let parsed: Event
            do { parsed = try Event.parse(line: line) } catch {
                Issue.record("seed \(seed) case \(i): \(error) in \(String(decoding: line, as: UTF8.self))")
                continue
            }
            #expect(parsed == event, "seed \(seed) case \(i)")
            #expect(parsed.line == line, "seed \(seed) case \(i)")
        }
    }

    /// Members in another order, whitespace and needless escapes: the same event, the same hash.
    @Test(arguments: seeds)
    func looseLineParsesToTheSameEvent(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        for i in 0..<Self.cases {
            let event = generator.event()
            let loose = generator.trees.looseText(of: envelopeValue(of: event, includingHash: true))
            let parsed: Event
            do { parsed = try Event.parse(line: loose) } catch {
                Issue.record("seed \(seed) case \(i): \(error) in \(String(decoding: loose, as: UTF8.self))")
                continue
            }
            #expect(parsed == event, "seed \(seed) case \(i): \(String(decoding: loose, as: UTF8.self))")
            #expect(parsed.computedHash == event.hash, "seed \(seed) case \(i)")
            #expect(parsed.line == event.line, "seed \(seed) case \(i)")
        }
    }

    /// The writer's lines are canonical, and hashing one as it stands gives the event's hash.
    @Test(arguments: seeds)
    func aWrittenLineIsHashedAsItStands(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        for i in 0..<Self.cases {
            let event = generator.event()
            let read = try event.line.withUnsafeBufferPointer { try Event.parseHashing(line: $0) }
            #expect(read.lineIsCanonical, "seed \(seed) case \(i): \(String(decoding: event.line, as: UTF8.self))")
            #expect(read.computedHash == event.hash, "seed \(seed) case \(i)")
            #expect(read.event == event, "seed \(seed) case \(i)")
        }
    }

    /// Lines that are canonical but for a slip or two (a space, a needless or uppercase escape, `-0`, two
    /// members swapped): a line is taken as canonical exactly when writing its event anew gives the same
    /// bytes, and the hash found either way is the one the event's content gives. Hashing the line as it
    /// stands is only sound if this holds for every line.
    @Test(arguments: seeds)
    func aLineIsHashedAsItStandsExactlyWhenItIsCanonical(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        generator.trees.looseness = 0.02
        var canonical = 0
        var loose = 0
        for i in 0..<Self.cases * 5 {
            let event = generator.event()
            let text = generator.trees.looseText(of: envelopeValue(of: event, includingHash: true))
            let read: Event.Hashed
            do { read = try text.withUnsafeBufferPointer { try Event.parseHashing(line: $0) } } catch {
                Issue.record("seed \(seed) case \(i): \(error) in \(String(decoding: text, as: UTF8.self))")
                continue
            }
            let rewritten = read.event.line
            #expect(read.lineIsCanonical == (text == rewritten), "seed \(seed) case \(i): \(String(decoding: text, as: UTF8.self))")
            #expect(read.computedHash == event.hash, "seed \(seed) case \(i): \(String(decoding: text, as: UTF8.self))")
            if read.lineIsCanonical { canonical += 1 } else { loose += 1 }
        }
        // Both kinds must occur, or the test proves nothing.
        #expect(canonical > Self.cases / 2 && loose > Self.cases / 2, "seed \(seed): \(canonical) canonical, \(loose) not")
    }

    /// The timestamp a sender merges logs by is found without reading the rest of the line, however it is written.
    @Test(arguments: seeds)
    func theTimestampIsFoundWithoutReadingTheRest(seed: UInt64) throws {
        var generator = EventGenerator(seed: seed)
        for i in 0..<Self.cases {
            let event = generator.event()
            for text in [event.line, generator.trees.looseText(of: envelopeValue(of: event, includingHash: true))] {
                let hlc = try text.withUnsafeBufferPointer { try Event.hlc(ofLine: $0) }
                #expect(hlc == event.hlc, "seed \(seed) case \(i): \(String(decoding: text, as: UTF8.self))")
            }
        }
        #expect(throws: EnvelopeError(field: "hlc", problem: "is missing")) {
            try Array(#"{"origin":"x","data":{"hlc":"2024-11-01T09:00:00.000Z+0"}}"#.utf8).withUnsafeBufferPointer { try Event.hlc(ofLine: $0) }
        }
        #expect(throws: EnvelopeError(field: "hlc", problem: "'x' is not a hybrid timestamp like '2025-04-22T09:30:00.123Z+0'")) {
            try Array(#"{"hlc":"x"}"#.utf8).withUnsafeBufferPointer { try Event.hlc(ofLine: $0) }
        }
    }

    /// An event whose line has a place for each slip the canonical form rules out.
    static let slippery = Event(
        origin: "x", seq: 1, clock: VersionVector(["a": 4, "x": 1]), hlc: timestamp("2024-11-01T09:00:00.000Z+0"),
        effective: LocalDate(year: 2024, month: 1, day: 2)!, type: "t",
        data: JSONObject(uniqueMembers: [("a", .integer(0)), ("s", .string("x/yA\u{1F}\u{8}😀"))]), prev: nil, sig: someSig
    ).sealed()

    @Test(arguments: [
        ("a space", #","seq""#, #", "seq""#), ("-0", #""a":0"#, #""a":-0"#), ("an escaped solidus", "x/y", #"x\/y"#),
        ("uppercase digits", #"\u001f"#, #"\u001F"#), ("a needless escape", "yA", #"y\u0041"#),
        ("a long escape for a short one", #"\b"#, #"\u0008"#), ("an escaped astral", "😀", #"\ud83d\ude00"#),
        ("data members swapped", #"{"a":0,"s":"x/yA\u001f\b😀"}"#, #"{"s":"x/yA\u001f\b😀","a":0}"#),
        ("clock entries swapped", #"{"a":4,"x":1}"#, #"{"x":1,"a":4}"#),
        ("envelope members swapped", #""prev":null,"seq":1"#, #""seq":1,"prev":null"#),
    ])
    func aSlipFromTheCanonicalFormIsHashedByWritingAnew(slip: String, canonical: String, loose: String) throws {
        let line = String(decoding: Self.slippery.line, as: UTF8.self)
        let text = line.replacingOccurrences(of: canonical, with: loose)
        #expect(text != line, "\(slip): \(canonical) is not in \(line)")
        let read = try Array(text.utf8).withUnsafeBufferPointer { try Event.parseHashing(line: $0) }
        #expect(!read.lineIsCanonical, "\(slip)")
        #expect(read.computedHash == Self.slippery.hash, "\(slip)")
        let unchanged = try Self.slippery.line.withUnsafeBufferPointer { try Event.parseHashing(line: $0) }
        #expect(unchanged.lineIsCanonical && unchanged.computedHash == Self.slippery.hash)
    }

    @Test func reorderedLineWithWhitespaceParsesToTheSameEvent() throws {
        let text = """
             { "type" : "theme-defined", "seq":1, "prev" : null,
            \t"origin":"programmabureau", "hlc":"2024-11-01T09:00:00.000Z+0", "effective":"2019-06-01",
              "data": { "name" : "Jeugd", "id":"jeugd" }, "clock":{ "programmabureau" : 1 },
              "hash" : "816637fc5ced84e1d1ac571cf7bc22d8feed64d18288886ddff4a39c1bd05cb6" }\r
            """
        let parsed = try Event.parse(line: Array(text.utf8))
        #expect(parsed == Self.first)
        #expect(parsed.computedHash == Self.first.hash)
        #expect(parsed.line == Self.first.line)
    }

    static let someSig = "ed25519:" + String(repeating: "ab", count: 32) + ":" + String(repeating: "cd", count: 64)

    @Test func sigIsNotCoveredByTheHash() throws {
        var signed = Self.second
        signed.sig = Self.someSig
        #expect(signed.computedHash == Self.second.hash)
        #expect(signed.hashedBytes == Self.second.hashedBytes)
        signed.sig = Self.someSig.replacingOccurrences(of: "cd", with: "ef")
        #expect(signed.computedHash == Self.second.hash)
        // The stored line carries the sig, and reading it back keeps it.
        let line = String(decoding: signed.line, as: UTF8.self)
        #expect(line.contains("\"seq\":2,\"sig\":\"\(signed.sig!)\",\"type\""), "\(line)")
        #expect(try Event.parse(line: signed.line).sig == signed.sig)
        #expect(!String(decoding: Self.second.line, as: UTF8.self).contains("\"sig\""))
        // Any other member is covered.
        var changed = Self.second
        changed.data["budget"] = .integer(150_001)
        #expect(changed.computedHash != Self.second.hash)
        changed = Self.second
        changed.clock["menzis"] = 4
        #expect(changed.computedHash != Self.second.hash)
    }

    // MARK: Refusals

    /// The valid line of `second` as a JSON object, changed by `change`.
    static func secondLine(_ change: (inout JSONObject) -> Void) -> String {
        var object = (try! JSONValue(parsing: Self.second.line)).objectValue!
        change(&object)
        return JSONValue.object(object).canonicalString
    }

    static func firstLine(_ change: (inout JSONObject) -> Void) -> String {
        var object = (try! JSONValue(parsing: Self.first.line)).objectValue!
        change(&object)
        return JSONValue.object(object).canonicalString
    }

    @Test func theUnchangedLinesParse() throws {
        #expect(try Event.parse(line: Array(Self.secondLine { _ in }.utf8)) == Self.second)
        #expect(try Event.parse(line: Array(Self.firstLine { _ in }.utf8)) == Self.first)
    }

    @Test(arguments: ["origin", "seq", "clock", "hlc", "effective", "type", "data", "prev", "hash"])
    func aMissingMemberIsRefused(name: String) {
        let line = Self.secondLine { $0[name] = nil }
        let error = #expect(throws: EnvelopeError.self) { try Event.parse(line: Array(line.utf8)) }
        #expect(error == EnvelopeError(field: name, problem: "is missing"), "\(String(describing: error))")
    }

    @Test(arguments: [
        // (label, line, field, start of the problem)
        ("unknown member", secondLine { $0["extra"] = .integer(1) }, "extra", "is not a member of an event"),
        ("unknown member that differs by case", secondLine { $0["Seq"] = .integer(1) }, "Seq", "is not a member of an event"),
        ("seq 0", firstLine { $0["seq"] = .integer(0) }, "seq", "must be 1 or more, not 0"),
        ("negative seq", firstLine { $0["seq"] = .integer(-1) }, "seq", "must be 1 or more, not -1"),
        ("seq as a string", firstLine { $0["seq"] = .string("1") }, "seq", "unexpected '\"'"),
        ("prev at seq 1", firstLine { $0["prev"] = .string(second.hash) }, "prev", "must be null for seq 1"),
        ("null prev at seq 2", secondLine { $0["prev"] = .null }, "prev", "must not be null after seq 1"),
        ("upper case hash", secondLine { $0["hash"] = .string(second.hash.uppercased()) }, "hash", "'\(second.hash.uppercased())' is not 64 lowercase hex digits"),
        ("short hash", secondLine { $0["hash"] = .string(String(second.hash.dropLast())) }, "hash", "'\(second.hash.dropLast())' is not 64 lowercase hex digits"),
        ("long hash", secondLine { $0["hash"] = .string(second.hash + "0") }, "hash", "'\(second.hash)0' is not 64 lowercase hex digits"),
        ("hash with a non-hex letter", secondLine { $0["hash"] = .string("g" + second.hash.dropFirst()) }, "hash", "'g"),
        ("hash as a number", secondLine { $0["hash"] = .integer(1) }, "hash", "unexpected '1'"),
        ("bad hex in prev", secondLine { $0["prev"] = .string(String(repeating: "x", count: 64)) }, "prev", "'xxxx"),
        ("origin ../x", firstLine { $0["origin"] = .string("../x") }, "origin", "'../x' is not an identifier"),
        ("origin A", firstLine { $0["origin"] = .string("A") }, "origin", "'A' is not an identifier"),
        ("empty origin", firstLine { $0["origin"] = .string("") }, "origin", "'' is not an identifier"),
        ("clock naming ../x", secondLine { $0["clock"] = .object([("../x", .integer(1)), ("programmabureau", .integer(2))]) }, "clock", "'../x' is not an identifier"),
        ("clock naming A", secondLine { $0["clock"] = .object([("A", .integer(1)), ("programmabureau", .integer(2))]) }, "clock", "'A' is not an identifier"),
        ("clock with seq 0", secondLine { $0["clock"] = .object([("menzis", .integer(0)), ("programmabureau", .integer(2))]) }, "clock.menzis", "must be 1 or more, not 0"),
        ("clock with a string seq", secondLine { $0["clock"] = .object([("programmabureau", .string("2"))]) }, "clock", "unexpected '\"'"),
        ("clock not an object", secondLine { $0["clock"] = .array([]) }, "clock", "unexpected '['"),
        ("29 February in a common year", firstLine { $0["effective"] = .string("2023-02-29") }, "effective", "'2023-02-29' is not a date YYYY-MM-DD"),
        ("month 13", firstLine { $0["effective"] = .string("2024-13-01") }, "effective", "'2024-13-01' is not a date"),
        ("date without padding", firstLine { $0["effective"] = .string("2024-1-1") }, "effective", "'2024-1-1' is not a date"),
        ("date with a time", firstLine { $0["effective"] = .string("2024-01-01T00:00") }, "effective", "'2024-01-01T00:00' is not a date"),
        ("hlc without counter", firstLine { $0["hlc"] = .string("2024-11-01T09:00:00.000Z") }, "hlc", "'2024-11-01T09:00:00.000Z' is not a hybrid timestamp"),
        ("hlc without millis", firstLine { $0["hlc"] = .string("2024-11-01T09:00:00Z+0") }, "hlc", "'2024-11-01T09:00:00Z+0' is not a hybrid timestamp"),
        ("hlc counter with a leading zero", firstLine { $0["hlc"] = .string("2024-11-01T09:00:00.000Z+01") }, "hlc", "is not a hybrid timestamp"),
        ("hlc on 31 April", firstLine { $0["hlc"] = .string("2024-04-31T09:00:00.000Z+0") }, "hlc", "is not a hybrid timestamp"),
        ("hlc as a number", firstLine { $0["hlc"] = .integer(1_730_451_600_000) }, "hlc", "unexpected '1'"),
        ("type in capitals", firstLine { $0["type"] = .string("Theme-defined") }, "type", "'Theme-defined' is not a kebab-case type name"),
        ("type with a double dash", firstLine { $0["type"] = .string("theme--defined") }, "type", "'theme--defined' is not a kebab-case type name"),
        ("data not an object", firstLine { $0["data"] = .array([.integer(1)]) }, "data", "must be an object"),
        ("data null", firstLine { $0["data"] = .null }, "data", "must be an object"),
        ("sig not a string", secondLine { $0["sig"] = .integer(1) }, "sig", "unexpected '1'"),
        ("sig of another scheme", secondLine { $0["sig"] = .string(EventTests.someSig.replacingOccurrences(of: "ed25519", with: "ed448")) }, "sig", "is not 'ed25519:<public key, 64 hex digits>:<signature, 128 hex digits>'"),
        ("sig with a short key", secondLine { $0["sig"] = .string(EventTests.someSig.replacingOccurrences(of: "ababab:", with: ":")) }, "sig", "is not 'ed25519:"),
        ("sig in capitals", secondLine { $0["sig"] = .string(EventTests.someSig.uppercased()) }, "sig", "is not 'ed25519:"),
    ] as [(String, String, String, String)])
    func aMalformedMemberIsRefused(label: String, line: String, field: String, problem: String) {
        let error = #expect(throws: EnvelopeError.self, "\(label)") { try Event.parse(line: Array(line.utf8)) }
        #expect(error?.field == field, "\(label): \(String(describing: error))")
        #expect(error?.problem.contains(problem) == true, "\(label): \(String(describing: error))")
    }

    @Test(arguments: [
        ("duplicate seq", "{\"seq\":2," + String(decoding: second.line.dropFirst(), as: UTF8.self), "seq", "appears twice"),
        ("duplicate clock entry", String(decoding: second.line, as: UTF8.self).replacingOccurrences(of: "{\"menzis\":3,", with: "{\"menzis\":3,\"menzis\":3,"), "clock.menzis", "appears twice"),
        ("duplicate member inside data", String(decoding: second.line, as: UTF8.self).replacingOccurrences(of: "\"budget\":150000,", with: "\"budget\":150000,\"budget\":1,"), "data", "member 'budget' appears twice"),
        ("a float inside data", String(decoding: second.line, as: UTF8.self).replacingOccurrences(of: "150000", with: "1500.00"), "data", "number '1500.00' is not an integer"),
    ])
    func aMalformedLineIsRefused(label: String, text: String, field: String, problem: String) {
        #expect(text.utf8.count > Self.second.line.count, "\(label): the test must change the line")
        let error = #expect(throws: EnvelopeError.self, "\(label)") { try Event.parse(line: Array(text.utf8)) }
        #expect(error?.field == field, "\(label): \(String(describing: error))")
        #expect(error?.problem.hasPrefix(problem) == true, "\(label): \(String(describing: error))")
    }

    /// Lines that are not JSON objects name no member.
    @Test(arguments: [
        ("not json", "not json", "unexpected 'n' at column 1"),
        ("empty", "", "unexpected end of json at column 1"),
        ("an array", "[1]", "unexpected '[' at column 1"),
        ("a torn line", String(decoding: first.line.prefix(30), as: UTF8.self), "unexpected end of json at column 31"),
        ("two objects", String(decoding: first.line + first.line, as: UTF8.self), "unexpected content after the json value"),
        ("missing comma", #"{"origin":"a" "seq":1}"#, "unexpected '\"' at column 15"),
    ])
    func aLineThatIsNotAnObjectNamesNoMember(label: String, text: String, problem: String) {
        let error = #expect(throws: EnvelopeError.self, "\(label)") { try Event.parse(line: Array(text.utf8)) }
        #expect(error?.field == nil, "\(label): \(String(describing: error))")
        #expect(error?.problem.hasPrefix(problem) == true, "\(label): \(String(describing: error))")
    }

    // MARK: Log order

    @Test func logOrderIsTimestampThenOriginBytesThenSeq() {
        func event(_ origin: String, _ seq: UInt64, _ millis: Int64, _ counter: UInt32 = 0) -> Event {
            Event(origin: origin, seq: seq, clock: VersionVector([origin: seq]), hlc: HybridTimestamp(millis: millis, counter: counter),
                effective: LocalDate(year: 2024, month: 1, day: 1)!, type: "a", data: JSONObject(), prev: nil)
        }
        let expected = [
            event("z", 9, 1000), event("a", 5, 1000, 1), event("a", 6, 1000, 1), event("b", 1, 1000, 1), event("a", 1, 1001),
        ]
        var random = SeededRandom(seed: 42)
        for round in 0..<20 {
            let sorted = expected.shuffled(using: &random).sorted(by: Event.precedesInLogOrder)
            #expect(sorted.map { "\($0.origin):\($0.seq)" } == expected.map { "\($0.origin):\($0.seq)" }, "seed 42 round \(round)")
        }
        #expect(!Event.precedesInLogOrder(expected[0], expected[0]))
    }
}

@Suite struct IdentifierTests {
    @Test(arguments: ["a", "0", "programmabureau", "a-b", "a-", "0-x", "kantoor-2", "a--b", String(repeating: "a", count: 64)])
    func validIdentifiers(text: String) {
        #expect(Identifier.isValid(text))
    }

    @Test(arguments: [
        "", "A", "../x", "-a", "a_b", "a b", "a.b", "a/b", "é", "aB", " a", "a\n", ".", "..",
        String(repeating: "a", count: 65), "ａ",
    ])
    func invalidIdentifiers(text: String) {
        #expect(!Identifier.isValid(text), "\(text.debugDescription)")
    }

    @Test(arguments: ["a", "project-started", "a1", "a-1", "budget-2-set", "x" + String(repeating: "-y", count: 31) + "z"])
    func validTypeNames(text: String) {
        #expect(text.utf8.count <= 64)
        #expect(Identifier.isValidTypeName(text))
    }

    @Test(arguments: [
        "", "1a", "-a", "a-", "a--b", "A", "Project-started", "a_b", "project started", "project.started", "é",
        String(repeating: "a", count: 65),
    ])
    func invalidTypeNames(text: String) {
        #expect(!Identifier.isValidTypeName(text), "\(text.debugDescription)")
    }
}

@Suite struct LocalDateTests {
    @Test(arguments: [
        ("2024-02-29", 2024, 2, 29), ("2000-02-29", 2000, 2, 29), ("1600-02-29", 1600, 2, 29), ("2023-02-28", 2023, 2, 28),
        ("0001-01-01", 1, 1, 1), ("9999-12-31", 9999, 12, 31), ("2024-04-30", 2024, 4, 30), ("2024-12-31", 2024, 12, 31),
    ])
    func validDates(text: String, year: Int, month: Int, day: Int) throws {
        let date = try #require(LocalDate(parsing: text))
        #expect((date.year, date.month, date.day) == (year, month, day))
        #expect(date.description == text)
        #expect(LocalDate(year: year, month: month, day: day) == date)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30", "2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
        "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "0000-01-01", "2024-1-01", "2024-01-1", "24-01-01",
        "2024/01/01", "2024-01-01 ", " 2024-01-01", "+024-01-01", "2024-0a-01", "２０２４-01-01", "2024-01-01T00:00", "",
        "-024-01-01", "2024--1-01",
    ])
    func invalidDates(text: String) {
        #expect(LocalDate(parsing: text) == nil, "\(text.debugDescription)")
    }

    @Test func daysInMonthFollowTheGregorianLeapRule() {
        let common = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for (year, leap) in [(2023, false), (2024, true), (1900, false), (2000, true), (2100, false), (2400, true), (1, false), (4, true)] {
            var expected = common
            if leap { expected[1] = 29 }
            #expect((1...12).map { LocalDate.daysInMonth(year: year, month: $0) } == expected, "year \(year)")
            #expect((LocalDate(year: year, month: 2, day: 29) != nil) == leap, "year \(year)")
        }
    }

    @Test func outOfRangeComponentsAreRefused() {
        #expect(LocalDate(year: 0, month: 1, day: 1) == nil)
        #expect(LocalDate(year: 10_000, month: 1, day: 1) == nil)
        #expect(LocalDate(year: 2024, month: 0, day: 1) == nil)
        #expect(LocalDate(year: 2024, month: 1, day: 0) == nil)
        #expect(LocalDate(year: 2024, month: 1, day: -1) == nil)
        #expect(LocalDate(year: 7, month: 3, day: 9)?.description == "0007-03-09")
    }

    @Test func datesOrderByYearThenMonthThenDay() {
        let texts = ["0999-12-31", "2023-12-31", "2024-01-01", "2024-01-31", "2024-02-01", "2024-10-01"]
        let dates = texts.map { LocalDate(parsing: $0)! }
        for (i, a) in dates.enumerated() {
            for (j, b) in dates.enumerated() {
                #expect((a < b) == (i < j), "\(a) < \(b)")
            }
        }
    }
}

@Suite struct EventSealingTests {
    /// The line spliced together while sealing is the same bytes as the line written from scratch.
    @Test func theSplicedLineMatchesTheStoredForm() throws {
        var random = SeededRandom(seed: 42)
        for i in 0..<200 {
            let data = try JSONObject([
                ("text", .string(String(repeating: "é\"\\\n", count: Int.random(in: 0..<4, using: &random)))),
                ("n", .integer(Int64.random(in: -1000...1000, using: &random))),
                ("hlc", .string("not the envelope's")),
            ])
            var clock = VersionVector()
            clock["a"] = UInt64(i + 1)
            if i % 3 == 0 { clock["b"] = UInt64(i) + 1 }
            let event = Event(
                origin: "a", seq: UInt64(i + 1), clock: clock, hlc: HybridTimestamp(millis: Int64(i) * 1000, counter: UInt32(i % 5)),
                effective: LocalDate(year: 2025, month: 1, day: 1 + i % 28)!, type: "project-changed", data: data,
                prev: i == 0 ? nil : String(repeating: "a", count: 64))
            let sealed = event.sealedForSigning().event
            let line = event.sealedForSigning().line()
            #expect(sealed == event.sealed(), "case \(i)")
            #expect(line == event.sealed().line, "case \(i)")
            #expect(try Event.parse(line: line) == sealed, "case \(i)")
        }
    }
}

@Suite struct EventSignatureTests {
    /// RFC 8032 section 7.1, test 1: a published key pair.
    static let seed = Array(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    static let publicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    static func draft(seq: UInt64 = 1, prev: String? = nil) -> Event {
        Event(
            origin: "enschede", seq: seq, clock: VersionVector(["enschede": seq]),
            hlc: HybridTimestamp(millis: 1_730_451_600_000 + Int64(seq), counter: 0),
            effective: LocalDate(year: 2024, month: 11, day: 1)!, type: "theme-defined",
            data: JSONObject(uniqueMembers: [("theme", .string("t\(seq)"))]), prev: prev)
    }

    /// Sealed and signed as the writer does it, with the line spliced from the hashed bytes.
    static func signed(_ draft: Event, by key: Ed25519.SigningKey) -> (event: Event, line: [UInt8]) {
        var sealed = draft.sealedForSigning()
        sealed.event.sig = key.eventSignature(origin: sealed.event.origin, seq: sealed.event.seq, hash: sealed.event.hash)
        return (sealed.event, sealed.line())
    }

    /// Every byte value in every place of the key and the signature: only 0-9 and a-f make a well-formed `sig`.
    @Test func aSigIsWellFormedExactlyWhenEveryDigitIsLowercaseHex() {
        let good = Array(("ed25519:" + Self.publicKey + ":" + String(repeating: "0a9f", count: 32)).utf8)
        #expect(good.withUnsafeBufferPointer(EventSignature.isWellFormed))
        let hex = Set("0123456789abcdef".utf8)
        for place in Array(8..<72) + Array(73..<201) {
            for value in UInt8.min...UInt8.max {
                var sig = good
                sig[place] = value
                let wellFormed = sig.withUnsafeBufferPointer(EventSignature.isWellFormed)
                if wellFormed != hex.contains(value) { Issue.record("byte \(value) at \(place): well-formed \(wellFormed)") }
            }
        }
    }

    @Test func theSignedMessagePinsOriginSeqAndHashAfterAPrefix() {
        let message = EventSignature.message(origin: "enschede", seq: 12, hash: String(repeating: "0", count: 64))
        #expect(String(decoding: message, as: UTF8.self) == "koers-event-signature-v1\nenschede\n12\n" + String(repeating: "0", count: 64))
    }

    @Test func aSealedAndSignedEventHasAValidSignatureAndTheLineItsMembersGive() throws {
        let key = Ed25519.SigningKey(seed: Self.seed)
        #expect(key.publicKeyHex == Self.publicKey)
        let (event, line) = Self.signed(Self.draft(), by: key)
        #expect(line == event.line)
        #expect(event.hash == Self.draft().sealed().hash, "the signature is outside the hash")
        #expect(event.signerKey == Self.publicKey)
        #expect(event.hasValidSignature)
        #expect(try Event.parse(line: line) == event)
        // Verifying with the RFC's own function on the published key agrees.
        let signature = try #require(event.signature)
        #expect(Ed25519.verify(
            Array(hex: signature.signature), of: EventSignature.message(origin: "enschede", seq: 1, hash: event.hash),
            publicKey: Array(hex: Self.publicKey)))
    }

    @Test func aSignatureDoesNotCarryOverToAnotherEventOrKey() throws {
        let key = Ed25519.SigningKey(seed: Self.seed)
        let first = Self.signed(Self.draft(), by: key).event
        // The same signature on another event (another hash, another seq, another origin) is not valid.
        var moved = Self.draft(seq: 2, prev: first.hash).sealed()
        moved.sig = first.sig
        #expect(!moved.hasValidSignature)
        var renamed = first
        renamed.origin = "hengelo"
        #expect(!renamed.hasValidSignature)
        // Naming another key makes it invalid, and so does any flipped digit of the signature.
        let other = Ed25519.SigningKey(seed: Array(repeating: 7, count: 32))
        var rekeyed = first
        rekeyed.sig = EventSignature(publicKey: other.publicKeyHex, signature: first.signature!.signature).text
        #expect(!rekeyed.hasValidSignature)
        var flipped = first
        let text = first.signature!.signature
        let last = text.last == "0" ? "1" : "0"
        flipped.sig = EventSignature(publicKey: Self.publicKey, signature: String(text.dropLast()) + last).text
        #expect(!flipped.hasValidSignature)
        var unsigned = first
        unsigned.sig = nil
        #expect(!unsigned.hasValidSignature && unsigned.signerKey == nil)
    }
}

extension Array where Element == UInt8 {
    fileprivate init(hex: String) {
        self = stride(from: 0, to: hex.utf8.count, by: 2).map { offset in
            let start = hex.index(hex.startIndex, offsetBy: offset)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }
}
