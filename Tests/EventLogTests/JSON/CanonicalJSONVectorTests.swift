import Foundation
import Testing
import EventLog
import TestSupport

/// The test vectors of RFC 8785 (JSON Canonicalization Scheme), from `Fixtures/jcs/`.
///
/// Events hold whole numbers only, so the vectors with fractions must be refused rather than canonicalized.
@Suite struct CanonicalJSONVectorTests {
    /// `Tests/EventLogTests/Fixtures/jcs`, found from this source file rather than from a bundle.
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // JSON
        .deletingLastPathComponent()  // EventLogTests
        .appendingPathComponent("Fixtures/jcs")

    static func input(_ name: String) throws -> [UInt8] {
        let path = vectors.appendingPathComponent("input/\(name).json").path
        let bytes = fileBytes(path)
        try #require(!bytes.isEmpty, "missing test vector \(path)")
        return bytes
    }

    static func output(_ name: String) throws -> [UInt8] {
        let path = vectors.appendingPathComponent("output/\(name).json").path
        let bytes = fileBytes(path)
        try #require(!bytes.isEmpty, "missing test vector \(path)")
        return bytes
    }

    @Test(arguments: ["arrays", "french", "unicode", "weird"])
    func canonicalizesByteForByte(name: String) throws {
        let value = try JSONValue(parsing: try Self.input(name))
        let expected = try Self.output(name)
        let actual = value.canonicalBytes
        #expect(
            actual == expected,
            "\(name): got \(String(decoding: actual, as: UTF8.self)) expected \(String(decoding: expected, as: UTF8.self))")
    }

    /// The expected output is itself canonical: reading it and writing it again changes nothing.
    @Test(arguments: ["arrays", "french", "unicode", "weird"])
    func expectedOutputIsAFixedPoint(name: String) throws {
        let expected = try Self.output(name)
        #expect(try JSONValue(parsing: expected).canonicalBytes == expected, "\(name)")
    }

    @Test(arguments: [("structures", "56.0"), ("values", "333333333.33333329")])
    func fractionsAreRefused(name: String, firstFraction: String) throws {
        let input = try Self.input(name)
        let error = #expect(throws: JSONError.self, "\(name)") { try JSONValue(parsing: input) }
        #expect(error?.reason == .notAnInteger(firstFraction), "\(name): \(String(describing: error))")
        let description = error?.description ?? ""
        #expect(description.contains("number '\(firstFraction)' is not an integer"), "\(name): \(description)")
        // The offset points at the number itself.
        if let offset = error?.offset {
            let quoted = Array(firstFraction.utf8)
            #expect(Array(input[offset..<min(input.count, offset + quoted.count)]) == quoted, "\(name): offset \(offset)")
        } else {
            Issue.record("\(name): the refusal carries no offset")
        }
    }
}
