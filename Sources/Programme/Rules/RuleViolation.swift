/// Why an event may not be applied: the rule it breaks, in words that name the member and value at fault.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short, stable name of the rule, e.g. `authorisation` or `unknown-reference`.
    public var rule: String
    public var message: String

    public init(_ rule: String, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(message) [rule: \(rule)]" }
}
