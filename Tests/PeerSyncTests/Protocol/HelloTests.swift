import EventLog
import PeerSync
import Testing

/// The hello each side opens a round with: what it encodes, and what it refuses to decode.
@Suite struct HelloTests {
    static let head = String(repeating: "ab", count: 32)

    @Test func encodesCanonicallyAndDecodesBack() throws {
        let hello = Hello(
            replica: "enschede", vector: VersionVector(["programmabureau": 12, "enschede": 3]),
            heads: ["programmabureau": Self.head, "enschede": Self.head], direction: .pull)
        let text = String(decoding: hello.encoded, as: UTF8.self)
        #expect(text == #"{"direction":"pull","heads":{"enschede":"\#(Self.head)","programmabureau":"\#(Self.head)"},"protocol":"koers-sync","replica":"enschede","vector":{"enschede":3,"programmabureau":12},"version":1}"#)
        #expect(try Hello(decoding: hello.encoded) == hello)
    }

    static let refused: [(json: String, problem: String)] = [
        (#"{"protocol":"koers-sync","version":2,"replica":"a","direction":"both","vector":{},"heads":{}}"#, "protocol version is 2; this koers speaks version 1"),
        (#"{"protocol":"koers-sync","replica":"a","direction":"both","vector":{},"heads":{}}"#, "protocol version is missing"),
        (#"{"protocol":"other","version":1,"replica":"a","direction":"both","vector":{},"heads":{}}"#, #"protocol is "other", not "koers-sync""#),
        (#"{"protocol":"koers-sync","version":1,"replica":"../a","direction":"both","vector":{},"heads":{}}"#, "replica is missing or not an identifier"),
        (#"{"protocol":"koers-sync","version":1,"replica":"a","direction":"sideways","vector":{},"heads":{}}"#, "direction must be both, pull or push"),
        (#"{"protocol":"koers-sync","version":1,"replica":"a","direction":"both","vector":{"b":0},"heads":{"b":"x"}}"#, "vector entry 'b' is not an identifier with a positive seq"),
        (#"{"protocol":"koers-sync","version":1,"replica":"a","direction":"both","vector":{"b":1},"heads":{}}"#, "no head hash for 'b'"),
        (#"{"protocol":"koers-sync","version":1,"replica":"a","direction":"both","vector":{},"heads":{"b":"x"}}"#, "heads and vector name different origins"),
        (#"[1,2]"#, "hello is not a JSON object"),
        (#"{"protocol":"#, "hello is not JSON"),
    ]

    @Test(arguments: refused.indices)
    func refusesWhatIsNotProtocolOne(_ index: Int) {
        let (json, problem) = Self.refused[index]
        #expect {
            try Hello(decoding: Array(json.utf8))
        } throws: { error in
            guard case PeerSyncError.wrongProtocol(let message) = error else { return false }
            return message.contains(problem)
        }
    }
}
