import Foundation
import Testing

/// Runs `Scripts/check-constant-time` so that CI checks the machine code of Ed25519 signing for branches on
/// secret data on every run. It builds in release mode in its own scratch folder (about a minute).
@Suite struct ConstantTimeCheckTests {
    static var onX86Linux: Bool {
        #if arch(x86_64) && os(Linux)
        true
        #else
        false
        #endif
    }

    @Test(.enabled(if: onX86Linux, "the check reads x86-64 disassembly"), .timeLimit(.minutes(15)))
    func signingHasNoBranchOnSecretData() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("Scripts/check-constant-time").path]
        process.currentDirectoryURL = repository
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "Scripts/check-constant-time failed:\n\(text)")
    }
}
