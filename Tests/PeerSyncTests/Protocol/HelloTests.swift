import EventLog
import PeerSync
import Testing

/// The hello each side opens a round with: what it encodes, the digest it states, and what it refuses to decode.
@Suite struct HelloTests {
    static let head = String(repeating: "ab", count: 32)
    static let frontier = Hello.Frontier(
        vector: VersionVector(["programmabureau": 12, "enschede": 3]), heads: ["programmabureau": head, "enschede": head])

    @Test func theDigestIsTheSHA256OfTheCanonicalFrontier() {
        let canonical = #"{"heads":{"enschede":"\#(Self.head)","programmabureau":"\#(Self.head)"},"vector":{"enschede":3,"programmabureau":12}}"#
        #expect(Self.frontier.digest == SHA256.hexDigest(Array(canonical.utf8)))
        // Any difference in a seq or a head hash, and only that, changes it.
        var longer = Self.frontier
        longer.vector["enschede"] = 4
        var forked = Self.frontier
        forked.heads["enschede"] = String(repeating: "cd", count: 32)
        let same = Hello.Frontier(vector: VersionVector(["enschede": 3, "programmabureau": 12]), heads: Self.frontier.heads)
        #expect(Set([Self.frontier.digest, longer.digest, forked.digest]).count == 3)
        #expect(same.digest == Self.frontier.digest)
    }

    @Test func encodesCanonicallyShortOrFullAndDecodesBack() throws {
        let full = Hello(replica: "enschede", frontier: Self.frontier, direction: .pull)
        let digest = Self.frontier.digest
        #expect(full.digest == digest && full.short.frontier == nil && full.short.digest == digest)
        #expect(String(decoding: full.short.encoded, as: UTF8.self) == #"{"digest":"\#(digest)","direction":"pull","protocol":"koers-sync","replica":"enschede","version":2}"#)
        #expect(String(decoding: full.encoded, as: UTF8.self) == #"{"digest":"\#(digest)","direction":"pull","heads":{"enschede":"\#(Self.head)","programmabureau":"\#(Self.head)"},"protocol":"koers-sync","replica":"enschede","vector":{"enschede":3,"programmabureau":12},"version":2}"#)
        #expect(try Hello(decoding: full.encoded) == full)
        #expect(try Hello(decoding: full.short.encoded) == full.short)
    }

    static let zeros = String(repeating: "0", count: 64)
    static let upper = String(repeating: "AB", count: 32)
    static let emptyDigest = Hello.Frontier(vector: VersionVector(), heads: [:]).digest

    static let refused: [(json: String, problem: String)] = [
        (#"{"protocol":"koers-sync","version":1,"replica":"a","direction":"both","vector":{},"heads":{}}"#, "protocol version is 1; this koers speaks version 2"),
        (#"{"protocol":"koers-sync","version":3,"replica":"a","direction":"both","digest":"\#(zeros)"}"#, "protocol version is 3; this koers speaks version 2"),
        (#"{"protocol":"koers-sync","replica":"a","direction":"both","digest":"\#(zeros)"}"#, "protocol version is missing"),
        (#"{"protocol":"other","version":2,"replica":"a","direction":"both","digest":"\#(zeros)"}"#, #"protocol is "other", not "koers-sync""#),
        (#"{"protocol":"koers-sync","version":2,"replica":"../a","direction":"both","digest":"\#(zeros)"}"#, "replica is missing or not an identifier"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"sideways","digest":"\#(zeros)"}"#, "direction must be both, pull or push"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both"}"#, "digest is missing or not 64 lowercase hex digits"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(upper)"}"#, "digest is missing or not 64 lowercase hex digits"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(zeros.dropLast())"}"#, "digest is missing or not 64 lowercase hex digits"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(emptyDigest)","vector":{}}"#, "a hello carries both vector and heads, or neither"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(emptyDigest)","vector":[],"heads":{}}"#, "vector and heads must be objects"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(zeros)","vector":{"b":0},"heads":{"b":"x"}}"#, "vector entry 'b' is not an identifier with a positive seq"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(zeros)","vector":{"b":1},"heads":{}}"#, "no head hash for 'b'"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(zeros)","vector":{},"heads":{"b":"x"}}"#, "heads and vector name different origins"),
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","digest":"\#(zeros)","vector":{},"heads":{}}"#, "digest \(zeros) is not the digest of the vector and heads sent with it (\(emptyDigest))"),
        (#"[1,2]"#, "hello is not a JSON object"),
        (#"{"protocol":"#, "hello is not JSON"),
    ]

    @Test(arguments: refused.indices)
    func refusesWhatIsNotProtocolTwo(_ index: Int) {
        let (json, problem) = Self.refused[index]
        #expect {
            try Hello(decoding: Array(json.utf8))
        } throws: { error in
            guard case PeerSyncError.wrongProtocol(let message) = error else { return false }
            return message.contains(problem)
        }
    }
}
