import Testing
import EventLog
import TestSupport

/// Random vectors over a small pool of origins, so that pairs overlap and every ordering occurs.
private struct VectorGenerator {
    static let origins = ["a", "b", "menzis", "programmabureau", "z9", "0-x", "kantoor-2", "b-"]

    var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    mutating func count() -> UInt64 {
        // Mostly small counts so that equal counts are common; sometimes the extremes.
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return UInt64.max
        case 1: return UInt64.random(in: 1...UInt64.max, using: &random)
        default: return UInt64.random(in: 0...4, using: &random)
        }
    }

    mutating func vector() -> VersionVector {
        var entries: [String: UInt64] = [:]
        for origin in Self.origins where Bool.random(using: &random) {
            entries[origin] = count()
        }
        return VersionVector(entries)
    }

    /// A vector related to `base`: a copy, a copy with some counts raised or lowered, or unrelated.
    mutating func vector(near base: VersionVector) -> VersionVector {
        var result = base
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return result
        case 1, 2:
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let origin = Self.origins.randomElement(using: &random)!
                let old = result[origin]
                if Bool.random(using: &random) {
                    let step = UInt64.random(in: 1...3, using: &random)
                    result[origin] = old > .max - step ? .max : old + step
                } else {
                    result[origin] = old == 0 ? 0 : old - 1
                }
                result.checkInvariants()
            }
            return result
        default: return vector()
        }
    }
}

/// `a` ≤ `b` in every origin, computed from the public entries alone.
private func pointwiseAtMost(_ a: VersionVector, _ b: VersionVector) -> Bool {
    a.entries.allSatisfy { $0.seq <= b[$0.origin] }
}

@Suite struct VersionVectorTests {
    static let seeds: [UInt64] = [0x6B6F_6572_7301, 20_250_422, 7]
    static let cases = 500

    @Test(arguments: seeds)
    func mergeIsCommutativeAssociativeAndIdempotent(seed: UInt64) {
        var generator = VectorGenerator(seed: seed)
        for i in 0..<Self.cases {
            let a = generator.vector()
            let b = generator.vector(near: a)
            let c = generator.vector(near: b)
            let ab = a.merged(with: b)
            ab.checkInvariants()
            #expect(ab == b.merged(with: a), "seed \(seed) case \(i): a=\(a) b=\(b)")
            #expect(ab.merged(with: c) == a.merged(with: b.merged(with: c)), "seed \(seed) case \(i): a=\(a) b=\(b) c=\(c)")
            #expect(a.merged(with: a) == a, "seed \(seed) case \(i): a=\(a)")
            var mutated = a
            mutated.merge(b)
            mutated.checkInvariants()
            #expect(mutated == ab, "seed \(seed) case \(i): a=\(a) b=\(b)")
        }
    }

    @Test(arguments: seeds)
    func mergeIsAnUpperBound(seed: UInt64) {
        var generator = VectorGenerator(seed: seed)
        for i in 0..<Self.cases {
            let a = generator.vector()
            let b = generator.vector(near: a)
            let ab = a.merged(with: b)
            #expect([.equal, .after].contains(ab.compare(to: a)), "seed \(seed) case \(i): a=\(a) b=\(b)")
            #expect([.equal, .after].contains(ab.compare(to: b)), "seed \(seed) case \(i): a=\(a) b=\(b)")
            for origin in VectorGenerator.origins {
                #expect(ab[origin] == max(a[origin], b[origin]), "seed \(seed) case \(i): a=\(a) b=\(b) origin \(origin)")
            }
        }
    }

    @Test(arguments: seeds)
    func compareIsAntisymmetricAndMatchesPointwiseOrder(seed: UInt64) {
        var generator = VectorGenerator(seed: seed)
        var seen: Set<String> = []
        for i in 0..<Self.cases {
            let a = generator.vector()
            let b = generator.vector(near: a)
            let forward = a.compare(to: b)
            let backward = b.compare(to: a)
            seen.insert("\(forward)")
            let context: Comment = "seed \(seed) case \(i): a=\(a) b=\(b) forward \(forward) backward \(backward)"
            switch forward {
            case .equal: #expect(backward == .equal, context)
            case .before: #expect(backward == .after, context)
            case .after: #expect(backward == .before, context)
            case .concurrent: #expect(backward == .concurrent, context)
            }
            #expect((forward == .equal) == (a == b), context)
            if forward == .equal { #expect(a.hashValue == b.hashValue, context) }
            let expected: VersionVector.Ordering = switch (pointwiseAtMost(a, b), pointwiseAtMost(b, a)) {
            case (true, true): .equal
            case (true, false): .before
            case (false, true): .after
            case (false, false): .concurrent
            }
            #expect(forward == expected, context)
        }
        // The generator must exercise every ordering, or the laws above prove little.
        #expect(seen == ["equal", "before", "after", "concurrent"], "seed \(seed)")
    }

    @Test(arguments: seeds)
    func textFormRoundTrips(seed: UInt64) throws {
        var generator = VectorGenerator(seed: seed)
        for i in 0..<Self.cases {
            let a = generator.vector()
            let text = a.description
            let parsed = try VersionVector(parsing: text)
            parsed.checkInvariants()
            #expect(parsed == a, "seed \(seed) case \(i): text \(text)")
            #expect(parsed.description == text, "seed \(seed) case \(i): text \(text)")
        }
    }

    @Test(arguments: seeds)
    func subscriptAndContainsAgreeWithADictionary(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var vector = VersionVector()
        var model: [String: UInt64] = [:]
        for i in 0..<Self.cases {
            let origin = VectorGenerator.origins.randomElement(using: &random)!
            let value = UInt64.random(in: 0...3, using: &random)
            vector[origin] = value
            model[origin] = value == 0 ? nil : value
            vector.checkInvariants()
            #expect(vector == VersionVector(model), "seed \(seed) case \(i): \(vector) vs \(model)")
            #expect(vector.total == model.values.reduce(0, +), "seed \(seed) case \(i)")
            let probe = UInt64.random(in: 0...4, using: &random)
            #expect(vector.contains(origin: origin, seq: probe) == (probe <= (model[origin] ?? 0)), "seed \(seed) case \(i)")
        }
    }

    @Test func knownValues() throws {
        let vector = try VersionVector(parsing: "programmabureau:120,menzis:14")
        #expect(vector.description == "menzis:14,programmabureau:120")
        #expect(vector.origins == ["menzis", "programmabureau"])
        #expect(vector.entries.map(\.seq) == [14, 120])
        #expect(vector.total == 134)
        #expect(vector["menzis"] == 14)
        #expect(vector["absent"] == 0)
        #expect(vector.contains(origin: "menzis", seq: 14))
        #expect(!vector.contains(origin: "menzis", seq: 15))
        #expect(try VersionVector(parsing: "") == VersionVector())
        #expect(VersionVector().description == "")
        #expect(VersionVector(["a": 0, "b": 2]) == VersionVector(["b": 2]))
        #expect(VersionVector(["a": 0]).origins.isEmpty)
        #expect(try VersionVector(parsing: "a:18446744073709551615")["a"] == UInt64.max)
    }

    @Test func originsSortByUTF8BytesNotByStringComparison() {
        // "e" + combining acute is canonically equivalent to "é" (U+00E9), which Swift's `<` puts after "f";
        // its bytes (65 CC 81) put it before "f" (66).
        let decomposed = "e\u{301}"
        // A dictionary cannot hold both spellings, so the last one goes in through the subscript.
        var vector = VersionVector([decomposed: 1, "f": 2, "Z": 3])
        vector["\u{E9}"] = 4
        vector.checkInvariants()
        #expect(vector.origins.map { Array($0.utf8) } == [[0x5A], [0x65, 0xCC, 0x81], [0x66], [0xC3, 0xA9]])
        #expect(vector.entries.map(\.seq) == [3, 1, 2, 4])
        #expect(vector.total == 10)
        // Byte identity: the two spellings of é are different origins.
        #expect(vector[decomposed] == 1)
        #expect(vector["\u{E9}"] == 4)
        #expect(VersionVector([decomposed: 1]) != VersionVector(["\u{E9}": 1]))
    }

    @Test(arguments: [
        "a:0", "a:1,a:2", "A:1", "../x:1", "a:-1", "a:1.5", "a", ",", "a:1,", "a:99999999999999999999999",
        "a:18446744073709551616", "a:+1", "a:01", "a: 1", " a:1", "a:1 ", ":1", "a:", "-a:1", "a:1:2", "a:1,,b:2",
        "é:1", String(repeating: "x", count: 65) + ":1",
    ])
    func parseRefusesBadInput(text: String) {
        #expect {
            try VersionVector(parsing: text)
        } throws: { error in
            guard let error = error as? VersionVector.ParseError else { return false }
            return error.text == text && !error.reason.isEmpty
        }
    }

    @Test func parseAcceptsLongestOrigin() throws {
        let origin = "0" + String(repeating: "-", count: 63)
        #expect(try VersionVector(parsing: "\(origin):7")[origin] == 7)
    }

    @Test func parseErrorExplains() {
        let duplicate = #expect(throws: VersionVector.ParseError.self) { try VersionVector(parsing: "a:1,a:2") }
        #expect(duplicate?.reason == "origin 'a' appears more than once")
        let zero = #expect(throws: VersionVector.ParseError.self) { try VersionVector(parsing: "a:0") }
        #expect(zero?.description == "'a:0' is not a version vector such as a:1,b:2: count of origin 'a' is 0; list only origins with events")
    }
}
