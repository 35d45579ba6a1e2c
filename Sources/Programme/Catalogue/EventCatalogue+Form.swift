import EventLog

extension EventCatalogue {
    /// Checks that an event's data has the form its type requires: known type, known members, required members present, each of the right kind.
    public static func checkForm(type name: String, data: JSONObject) throws(RuleViolation) {
        guard let type = type(named: name), let kinds = memberKinds[name] else {
            throw RuleViolation("unknown-type", "unknown event type '\(name)'; see 'koers record --help' for the catalogue")
        }
        for (memberName, value) in data.members {
            guard let kind = kinds[memberName] else {
                let allowed = (type.members + commonMembers).map(\.name).joined(separator: ", ")
                throw RuleViolation("form", "data.\(memberName): is not a member of \(name) (allowed: \(allowed))")
            }
            let member = Member(name: memberName, kind: kind, required: false, help: "")
            if let problem = check(value, member.kind) {
                throw RuleViolation("form", "data.\(memberName): \(problem)")
            }
        }
        for member in type.members where member.required && data[member.name] == nil {
            throw RuleViolation("form", "data.\(member.name): is required for \(name)")
        }
    }

    /// Per type, its members' kinds (common members included), for the check every event goes through.
    static let memberKinds: [String: [String: Kind]] = Dictionary(uniqueKeysWithValues: types.map { type in
        (type.name, Dictionary(uniqueKeysWithValues: (type.members + commonMembers).map { ($0.name, $0.kind) }))
    })

    /// What is wrong with a value for a kind, or nil.
    static func check(_ value: JSONValue, _ kind: Kind) -> String? {
        switch kind {
        case .id:
            guard let text = value.stringValue else { return "must be an identifier string" }
            return Identifier.isValid(text) ? nil : "'\(text)' is not an identifier [a-z0-9][a-z0-9-]{0,63}"
        case .ids:
            guard let list = value.arrayValue else { return "must be a list of identifiers" }
            for item in list {
                guard let text = item.stringValue, Identifier.isValid(text) else {
                    return "\(item.canonicalString) is not an identifier [a-z0-9][a-z0-9-]{0,63}"
                }
            }
            return nil
        case .text:
            guard let text = value.stringValue else { return "must be a string" }
            return text.isEmpty ? "must not be empty" : nil
        case .integer, .cents:
            return value.integerValue == nil ? "must be a whole number\(kind == .cents ? " of cents" : "")" : nil
        case .bool:
            return value.boolValue == nil ? "must be true or false" : nil
        case .date:
            guard let text = value.stringValue, LocalDate(parsing: text) != nil else {
                return "\(value.canonicalString) is not a date YYYY-MM-DD"
            }
            return nil
        case .period:
            guard let text = value.stringValue, isPeriod(text) else {
                return "\(value.canonicalString) is not a period YYYY, YYYY-Hn, YYYY-Qn or YYYY-MM"
            }
            return nil
        case .choice(let words):
            guard let text = value.stringValue, words.contains(text) else {
                return "\(value.canonicalString) is not one of \(words.joined(separator: ", "))"
            }
            return nil
        case .publicKey:
            guard let text = value.stringValue, EventSignature.isPublicKey(text) else {
                return "\(value.canonicalString) is not a public key of 64 lowercase hex digits"
            }
            return nil
        case .source:
            guard let object = value.objectValue, object.names.allSatisfy({ ["document", "quote"].contains($0) }),
                object["document"]?.stringValue?.isEmpty == false
            else { return "must be {\"document\": …, \"quote\": …} with a document" }
            if let quote = object["quote"], quote.stringValue == nil { return "quote must be a string" }
            return nil
        }
    }

    static func isPeriod(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = digits(0..<4), year >= 1900 else { return false }
        if bytes.count == 4 { return true }
        guard bytes.count >= 6, bytes[4] == UInt8(ascii: "-") else { return false }
        if bytes.count == 7, let month = digits(5..<7) { return (1...12).contains(month) }
        guard bytes.count == 7, let number = digits(6..<7) else { return false }
        switch bytes[5] {
        case UInt8(ascii: "Q"): return (1...4).contains(number)
        case UInt8(ascii: "H"): return (1...2).contains(number)
        default: return false
        }
    }
}
