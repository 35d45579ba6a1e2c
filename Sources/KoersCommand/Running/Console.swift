#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where a command's output goes: the process's standard output and error, or buffers for in-process tests.
package final class Console: Sendable {
    private let sink: Sink
    private let captured = Mutex<(out: String, err: String)>(("", ""))

    private enum Sink { case standard, capture }

    private init(sink: Sink) { self.sink = sink }

    package static let standard = Console(sink: .standard)

    /// A console that keeps what is written, for tests.
    package static func capturing() -> Console { Console(sink: .capture) }

    package func out(_ text: String) { emit(text, fd: 1) }
    package func err(_ text: String) { emit(text, fd: 2) }

    package var capturedOut: String { captured.withLock { $0.out } }
    package var capturedErr: String { captured.withLock { $0.err } }

    /// Whether standard error is a terminal, so that progress lines are worth showing.
    package var isInteractive: Bool { sink == .standard && isatty(2) == 1 }

    private func emit(_ text: String, fd: Int32) {
        switch sink {
        case .standard:
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
            bytes.removeAll()
        case .capture:
            captured.withLock { if fd == 1 { $0.out += text } else { $0.err += text } }
        }
    }
}

