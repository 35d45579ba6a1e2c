// Micro-benchmarks of the log layer for Scripts/bench: how fast lines parse and hash, without the command around them.
import EventLog
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3, ["parse", "hash"].contains(arguments[1]) else {
    FileHandle.standardError.write("usage: koers-bench parse|hash LOGFILE\n".data(using: .utf8)!)
    exit(64)
}
let path = arguments[2]
var count = 0
var bytes = 0
let start = Date()
try LogFile.forEachLine(path) { line, number in
    let event: Event
    do { event = try Event.parse(line: line) } catch {
        FileHandle.standardError.write("\(path):\(number): \(error)\n".data(using: .utf8)!)
        exit(1)
    }
    if arguments[1] == "hash" && event.computedHash != event.hash {
        FileHandle.standardError.write("\(path):\(number): hash mismatch\n".data(using: .utf8)!)
        exit(1)
    }
    count += 1
    bytes += line.count + 1
}
let seconds = Date().timeIntervalSince(start)
print("\(arguments[1]) \(count) events \(bytes) bytes \(String(format: "%.3f", seconds)) s \(Int(Double(count) / seconds)) events/s")
