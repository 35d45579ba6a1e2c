import EventLog

extension EventCatalogue {
    /// Checks that an event's data has the form its type requires: known type, known members, required members present, each of the right kind.
    public static func checkForm(type name: String, data: JSONObject) throws(RuleViolation) {
        _ = try checkedForm(type: name, data: data)
    }

    /// An event type's members in the order of a JSON object's members, so a form is checked in one walk over the data.
    final class Form: Sendable {
        struct Slot: Sendable {
            var name: String
            var kind: Kind
            var required: Bool
        }

        let type: EventType
        let tag: Tag
        /// The type's members and the common ones, in `JSONObject.precedes` order.
        let slots: [Slot]
        let requiredCount: Int

        init(_ type: EventType) {
            self.type = type
            // Every type of the catalogue has a tag: a missing one would stop the first check of any event, in every test.
            tag = Tag(rawValue: type.name)!
            slots = (type.members + commonMembers)
                .map { Slot(name: $0.name, kind: $0.kind, required: $0.required) }
                .sorted { JSONObject.precedes($0.name, $1.name) }
            requiredCount = type.members.count(where: \.required)
        }
    }

    /// The form of every type by name: the one lookup every event's check makes.
    static let forms: [String: Form] = typesByName.mapValues(Form.init)

    /// Checks the form as `checkForm` does and returns the type's form, for the rules that follow.
    static func checkedForm(type name: String, data: JSONObject) throws(RuleViolation) -> Form {
        guard let form = forms[name] else {
            throw RuleViolation("unknown-type", "unknown event type '\(name)'; see 'koers record --help' for the catalogue")
        }
        // Both lists are in member order, so each data member is found at or after the slot of the one before.
        var nextSlot = 0
        var requiredFound = 0
        for (memberName, value) in data.members {
            var index = nextSlot
            let length = memberName.utf8.count
            while index < form.slots.count {
                let slotName = form.slots[index].name
                if slotName.utf8.count == length && slotName.bytesEqual(memberName) { break }
                index += 1
            }
            guard index < form.slots.count else {
                let allowed = (form.type.members + commonMembers).map(\.name).joined(separator: ", ")
                throw RuleViolation("form", "data.\(memberName): is not a member of \(name) (allowed: \(allowed))")
            }
            nextSlot = index + 1
            if form.slots[index].required { requiredFound += 1 }
            if let problem = check(value, form.slots[index].kind) {
                throw RuleViolation("form", "data.\(memberName): \(problem)")
            }
        }
        if requiredFound < form.requiredCount {
            for member in form.type.members where member.required && data[member.name] == nil {
                throw RuleViolation("form", "data.\(member.name): is required for \(name)")
            }
        }
        return form
    }

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
            guard let object = value.objectValue, object.members.allSatisfy({ $0.name.bytesEqual("document") || $0.name.bytesEqual("quote") }),
                object["document"]?.stringValue?.isEmpty == false
            else { return "must be {\"document\": …, \"quote\": …} with a document" }
            if let quote = object["quote"], quote.stringValue == nil { return "quote must be a string" }
            return nil
        }
    }

    static func isPeriod(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isPeriod)
    }

    private static func isPeriod(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
