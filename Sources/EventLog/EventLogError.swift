/// Every failure of the log layer, with the facts in its cases.
public enum EventLogError: Error, Equatable, Sendable {
    case placeholder
}
