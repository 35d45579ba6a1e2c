#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's text for an errno value.
func systemErrorMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Thin, checked wrappers over POSIX file calls; every failure names the path and the operation.
package enum FileIO {
    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(EventLogError) -> Int32 {
        let fd = retryingOnInterrupt { Glibc_open(path, flags | O_CLOEXEC, mode) }
        if fd < 0 { throw EventLogError.io(path: path, operation: "open", code: errno) }
        return fd
    }

    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(EventLogError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw EventLogError.io(path: path, operation: "write", code: errno)
            }
            offset += written
        }
    }

    package static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(EventLogError) {
        let failure: EventLogError? = bytes.withUnsafeBytes { buffer in
            do throws(EventLogError) { try writeAll(fd, buffer, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Forces written data to stable storage; on macOS plain fsync does not reach the platter.
    package static func sync(_ fd: Int32, path: String) throws(EventLogError) {
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        if fsync(fd) != 0 { throw EventLogError.io(path: path, operation: "fsync", code: errno) }
    }

    /// Makes a new or renamed directory entry durable.
    package static func syncDirectory(_ path: String) throws(EventLogError) {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        try sync(fd, path: path)
    }

    package static func size(_ fd: Int32, path: String) throws(EventLogError) -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 { throw EventLogError.io(path: path, operation: "stat", code: errno) }
        return Int(info.st_size)
    }

    package static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    package static func makeDirectory(_ path: String) throws(EventLogError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw EventLogError.io(path: path, operation: "create directory", code: errno)
        }
    }

    package static func readAll(_ path: String) throws(EventLogError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// Reads a file or pipe to its end.
    package static func readAll(_ fd: Int32, path: String) throws(EventLogError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw EventLogError.io(path: path, operation: "read", code: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes a whole new file durably: a temporary name, fsync, rename, fsync of the directory.
    package static func writeNewFile(_ path: String, _ bytes: [UInt8], directory: String) throws(EventLogError) {
        let temporary = path + ".tmp"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, bytes, path: temporary)
            try sync(fd, path: temporary)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 { throw EventLogError.io(path: path, operation: "rename", code: errno) }
        try syncDirectory(directory)
    }

    package static func listDirectory(_ path: String) throws(EventLogError) -> [String] {
        guard let dir = opendir(path) else { throw EventLogError.io(path: path, operation: "list", code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func retryingOnInterrupt(_ body: () -> Int32) -> Int32 {
        while true {
            let result = body()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

#if canImport(Glibc)
private func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
#else
private func Glibc_open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Darwin.open(path, flags, mode) }
#endif
