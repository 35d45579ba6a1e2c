import EventLog
import Foundation
import KoersCommand

/// A fresh directory under the system's temporary folder, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "koers") {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside this directory.
    public func at(_ name: String) -> String { path + "/" + name }

    /// Writes text to a file inside this directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let file = at(name)
        try! Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// The outcome of one `koers` invocation.
public struct CommandResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs `koers` two ways: in-process through `KoersCommand`, and as the built binary in a child process.
public enum Koers {
    /// Runs the command in this process, capturing its output.
    public static func inProcess(_ arguments: [String], environment: [String: String] = [:]) -> CommandResult {
        let console = Console.capturing()
        let status = KoersCommand.run(arguments: arguments, environment: environment, console: console)
        return CommandResult(status: status, stdout: console.capturedOut, stderr: console.capturedErr)
    }

    /// The built `koers` executable, next to the test bundle in the build products directory.
    public static var binaryPath: String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("koers").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            let candidate = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("koers").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        fatalError("the koers executable was not found next to \(CommandLine.arguments[0]); run 'swift build' first")
    }

    /// Starts the built binary and waits for it.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        currentDirectory: String? = nil
    ) -> CommandResult {
        let process = start(arguments, environment: environment, stdin: stdin, currentDirectory: currentDirectory)
        let out = process.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = process.stderr.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return CommandResult(
            status: process.process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }

    /// A started child process with its pipes.
    public struct Running {
        public let process: Process
        public let stdout: Pipe
        public let stderr: Pipe
    }

    /// Starts the built binary without waiting, e.g. to kill it half-way.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        currentDirectory: String? = nil
    ) -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["KOERS_STORE"] = nil
        env["KOERS_NOW"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let input = Pipe()
            process.standardInput = input
            try! ChildProcesses.starting { try process.run() }
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try? input.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try! ChildProcesses.starting { try process.run() }
        }
        return Running(process: process, stdout: out, stderr: err)
    }
}

/// Reads a whole file as bytes, for comparing replicas before and after a refused command.
public func fileBytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
}

/// Every file under a directory with its bytes, for asserting that nothing changed.
///
/// The replica's `cache/` is left out: it holds derived files that any command may write
/// or delete, and that change no output.
public func snapshot(of directory: String) -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return result }
    while let name = enumerator.nextObject() as? String {
        if name == "cache" || name.hasPrefix("cache/") { continue }
        let path = directory + "/" + name
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[name] = fileBytes(path)
        }
    }
    return result
}
