/// A mistake in how the command was invoked; the command layer prints it and exits with status 64.
///
/// Options are carried as spelled on the command line, with their dashes (`--store`).
package enum UsageError: Error, Equatable, Sendable {
    case unknownOption(String)
    case missingValue(option: String)
    case unexpectedValue(option: String, value: String)
    case missingOption(String)
    case invalidOptionName(String)
    case missingArgument(String)
    case unexpectedArgument(String)
    case unknownCommand(String)
    case invalidValue(option: String, value: String, reason: String)

    /// The exit status for usage errors, `EX_USAGE` from sysexits.h.
    package static let exitStatus: Int32 = 64

    /// A lowercase sentence for `error: …`, quoting what the user typed.
    package var message: String {
        switch self {
        case .unknownOption(let option):
            "unknown option '\(option)'"
        case .missingValue(let option):
            "option '\(option)' needs a value"
        case .unexpectedValue(let option, let value):
            "option '\(option)' takes no value, got '\(value)'"
        case .missingOption(let option):
            "missing required option '\(option)'"
        case .invalidOptionName(let option):
            "invalid option name '\(option)': use lowercase letters, digits and '-', starting with a letter"
        case .missingArgument(let name):
            "missing argument \(name)"
        case .unexpectedArgument(let argument):
            "unexpected argument '\(argument)'"
        case .unknownCommand(let command):
            "unknown command '\(command)'"
        case .invalidValue(let option, let value, let reason):
            "invalid value '\(value)' for '\(option)': \(reason)"
        }
    }
}
