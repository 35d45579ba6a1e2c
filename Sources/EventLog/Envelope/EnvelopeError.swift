/// Why one line could not be read as an event: the member at fault and what is wrong with it.
public struct EnvelopeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The member at fault, e.g. `clock` or `data.amount`; nil when the line is not JSON at all.
    public var field: String?
    public var problem: String

    public init(field: String?, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        if let field { return "\(field): \(problem)" }
        return problem
    }
}
