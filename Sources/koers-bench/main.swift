// Micro-benchmarks of the log layer for Scripts/bench: how fast lines parse and hash, and how long a batch
// takes to sign (as `koers import` signs it), without the command around them.
import EventLog
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3, ["parse", "hash", "sign"].contains(arguments[1]) else {
    FileHandle.standardError.write("usage: koers-bench parse|hash|sign LOGFILE\n".data(using: .utf8)!)
    exit(64)
}
let path = arguments[2]
if arguments[1] == "sign" {
    // The log's events, sealed again, signed as one batch by the writer's own signing step.
    var sealed: [Event.Sealed] = []
    try LogFile.forEachLine(path) { line, _ in sealed.append(try Event.parse(line: line).sealedForSigning()) }
    let key = SigningKey(seed: Array(repeating: 7, count: 32))
    let start = Date()
    let signed = Event.Sealed.sign(sealed, with: key)
    let seconds = Date().timeIntervalSince(start)
    guard signed.events.last?.hasValidSignature ?? true else { fatalError("the last signature does not verify") }
    print("sign \(sealed.count) events \(String(format: "%.3f", seconds)) s \(Int(Double(sealed.count) / seconds)) events/s")
    exit(0)
}
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
