import EventLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `koers` command line: parses arguments, runs one subcommand, and turns every error into text and an exit status.
///
/// Errors become text only here: usage errors print `error: …`, the usage line and a
/// pointer to `--help` and exit 64; runtime failures print `error: …` (or
/// `path:line: error: …` for a bad line of a file) and exit 1.
public enum KoersCommand {
    /// Every subcommand, in the order `koers --help` lists them.
    static var subcommands: [any Subcommand.Type] {
        [
            InitCommand.self, StatusCommand.self, RecordCommand.self, ImportCommand.self, LogCommand.self,
            VerifyCommand.self, OwnersCommand.self, ThemesCommand.self, ProjectsCommand.self, ProjectCommand.self,
            DecisionsCommand.self, PartnersCommand.self, ParticipationCommand.self, BudgetCommand.self,
            SubsidiesCommand.self, IndicatorsCommand.self, ConflictsCommand.self, ProblemsCommand.self,
            DigestCommand.self, SyncCommand.self, ServeCommand.self, BundleCommand.self, RemoteCommand.self,
            KeyCommand.self, TrustCommand.self, ReplicasCommand.self,
        ]
    }

    /// Runs a command as the process, which exits with the status returned.
    public static func run(arguments: [String]) -> Int32 {
        let environment = ProcessEnvironment.current
        return run(arguments: arguments, environment: environment, console: .standard, endsTheProcess: true)
    }

    package static func run(arguments: [String], environment: [String: String], console: Console, endsTheProcess: Bool = false) -> Int32 {
        let arguments = movingGlobalOptionsAfterCommand(arguments)
        guard let name = arguments.first, !name.hasPrefix("-") else {
            if arguments.first == "--version" {
                console.out("koers \(version)\n")
                return 0
            }
            let wantsHelp = arguments.first == "--help" || arguments.first == "-h"
            (wantsHelp ? console.out : console.err)(overview)
            return wantsHelp ? 0 : UsageError.exitStatus
        }
        if name == "help" {
            return run(arguments: Array(arguments.dropFirst().prefix(1)) + ["--help"], environment: environment, console: console, endsTheProcess: endsTheProcess)
        }
        guard let command = subcommands.first(where: { $0.spec.name == name }) else {
            console.err("error: \(UsageError.unknownCommand(name).message)\nsee 'koers --help'\n")
            return UsageError.exitStatus
        }
        let rest = Array(arguments.dropFirst())
        if CommandSpec.wantsHelp(rest) {
            console.out(command.spec.helpText + "\n")
            return 0
        }
        let context = CommandContext(environment: environment, console: console, endsTheProcess: endsTheProcess)
        do {
            let parsed = try command.spec.parse(rest)
            return try command.run(parsed, context)
        } catch let error as UsageError {
            console.err(command.spec.errorText(for: error) + "\n")
            return UsageError.exitStatus
        } catch let error as EventLogError {
            if case .badLine(let file, let line, let problem) = error {
                console.err("\(file):\(line): error: \(problem)\n")
            } else {
                console.err("error: \(error)\n")
            }
            return 1
        } catch let error as CommandFailure {
            console.err(error.text)
            return error.status
        } catch {
            console.err("error: \(error)\n")
            return 1
        }
    }

    static let version = "0.1.0"

    /// `koers --store DIR projects` means `koers projects --store DIR`, as with git's `-C`.
    static func movingGlobalOptionsAfterCommand(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--store", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--store=") || first == "--json" {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty, let command = rest.first else { return arguments }
        return [command] + leading + rest.dropFirst()
    }

    static var overview: String {
        var text = "koers: the shared, replicated log of a regional programme\n\nusage: koers COMMAND [OPTIONS]\n\ncommands:\n"
        let width = subcommands.map { $0.spec.name.count }.max() ?? 0
        for command in subcommands {
            let name = command.spec.name
            text += "  \(name)\(String(repeating: " ", count: width - name.count))  \(command.spec.abstract)\n"
        }
        text += "\nsee 'koers COMMAND --help' for a command's options\n"
        return text
    }
}

/// A runtime failure already put into words by the command that hit it.
struct CommandFailure: Error {
    var text: String
    var status: Int32 = 1
}

/// Reads the process environment once.
enum ProcessEnvironment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
