/// Every failure of the log layer, with the facts in its cases.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAReplica(path: String)
    case replicaExists(path: String)
    case badIdentity(path: String, problem: String)
    case replicaBusy(path: String)
    case invalidIdentifier(field: String, value: String)
    case io(path: String, operation: String, code: Int32)
    /// A line of a log or input file that is not a valid event.
    case badLine(file: String, line: Int, error: EnvelopeError)
    /// The last line of a log, read from the end without counting lines, is not a valid event.
    case badLastLine(file: String, error: EnvelopeError)
    /// A log whose lines are not numbered by seq (line n holds seq n), found where a reader relies on it.
    case lineOutOfPlace(file: String, line: Int, problem: String)
    /// An event that does not continue its origin's chain where it would be appended.
    case doesNotFollow(origin: String, seq: UInt64, problem: String)
    case wallClock(String)
    /// A replica made before replicas had keys.
    case noKey(path: String)
    /// The replica's id is the origin of events held here that another key signed: writing would fork that origin.
    case foreignOrigin(replica: String, key: String)

    public var description: String {
        switch self {
        case .notAReplica(let path): "'\(path)' is not a koers replica (no replica.json); create one with 'koers init'"
        case .replicaExists(let path): "'\(path)' already exists and is not empty"
        case .badIdentity(let path, let problem): "\(path): \(problem)"
        case .replicaBusy(let path): "replica is busy: another koers process is writing to '\(path)'; try again when it is done"
        case .invalidIdentifier(let field, let value): "\(field) '\(value)' is not an identifier: use lowercase letters, digits and '-' (at most 64, starting with a letter or digit)"
        case .io(let path, let operation, let code): "cannot \(operation) '\(path)': \(systemErrorMessage(code))"
        case .badLine(let file, let line, let error): "\(file):\(line): \(error)"
        case .badLastLine(let file, let error): "\(file): last line: \(error) (run 'koers verify' for the line number)"
        case .lineOutOfPlace(let file, let line, let problem):
            "\(file):\(line): \(problem); line n of a log must hold seq n (run 'koers verify')"
        case .doesNotFollow(let origin, let seq, let problem): "event \(origin):\(seq) \(problem)"
        case .wallClock(let message): message
        case .noKey(let path): "'\(path)' has no key pair (it was made before replicas had keys)"
        case .foreignOrigin(let replica, let key):
            "this replica's id '\(replica)' is the origin of events held here that another key (\(key)) signed; a replica records under an id of its own: make a new replica with another --replica"
        }
    }
}
