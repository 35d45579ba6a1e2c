/// The rule for every identifier (replicas, origins, owners, projects …): a lowercase slug `[a-z0-9][a-z0-9-]{0,63}`.
///
/// Identifiers become file names, so nothing else may pass: not `../x`, not `A`, not an empty string.
public enum Identifier {
    public static func isValid(_ text: String) -> Bool {
        // In place where the string's bytes lie together (every string made here), which spares the view's iterator.
        text.utf8.withContiguousStorageIfAvailable(isValid) ?? Array(text.utf8).withUnsafeBufferPointer(isValid)
    }

    private static func isValid(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, utf8.count <= 64, isLowerAlphanumeric(first) else { return false }
        return utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// An event type name: kebab-case words, e.g. `project-started`.
    public static func isValidTypeName(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, utf8.count <= 64,
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), last != UInt8(ascii: "-")
        else { return false }
        var previous: UInt8 = 0
        for byte in utf8 {
            guard isLowerAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
            if byte == UInt8(ascii: "-") && previous == UInt8(ascii: "-") { return false }
            previous = byte
        }
        return true
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
