// Micro-benchmarks of the log layer for Scripts/bench: how fast lines parse and hash, and events sign, without the command around them;
// `sign-log` times a log's events signed again as one batch by the writer's own signing step, as `koers import` signs them;
// `import` runs `koers import` in this process, and with `--unsigned` the same import with the signatures left out,
// so the bench can show what signing adds (the two run the same code but for that one step).
import EventLog
import Foundation
import KoersCommand

let arguments = CommandLine.arguments
let usage = "usage: koers-bench parse|hash|sign-log LOGFILE\n       koers-bench sign seed|key|batch [COUNT]\n       koers-bench import FILE STORE [--unsigned]\n"

/// Signs COUNT (default 100,000) different 200-byte messages, about the size of one event line, on one
/// thread: with `Ed25519.sign(_:seed:)`, which expands the seed each time, with one `Ed25519.SigningKey`,
/// or with that key in batches of 256 (`sign(_: [[UInt8]])`).
func benchmarkSigning(mode: String, count: Int) {
    let seed = [UInt8](repeating: 0x4b, count: 32)
    var message = [UInt8](repeating: 0x6b, count: 200)
    var sink: UInt8 = 0
    let sign: ([UInt8]) -> [UInt8]
    var batchKey: Ed25519.SigningKey?
    switch mode {
    case "seed": sign = { Ed25519.sign($0, seed: seed) }
    case "key":
        let key = Ed25519.SigningKey(seed: seed)
        sign = { key.sign($0) }
    case "batch":
        let key = Ed25519.SigningKey(seed: seed)
        sign = { key.sign($0) }
        batchKey = key
    default:
        FileHandle.standardError.write(usage.data(using: .utf8)!)
        exit(64)
    }
    for _ in 0..<1_000 { sink ^= sign(message)[0] }  // warm up: the base-point table, caches
    // The thread's CPU time rather than the wall clock: on a shared machine it counts only our own work.
    func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = cpuSeconds()
    if let key = batchKey {
        // Batches of 256: the messages are made outside the timed part, as an import has them already.
        var done = 0
        var seconds = 0.0
        while done < count {
            let batch = (0..<min(256, count - done)).map { i -> [UInt8] in
                message[(done + i) % 200] &+= 1
                return message
            }
            let batchStart = cpuSeconds()
            for signature in key.sign(batch) { sink ^= signature[0] }
            seconds += cpuSeconds() - batchStart
            done += batch.count
        }
        report(seconds)
        return
    }
    for i in 0..<count {
        message[i % 200] &+= 1
        sink ^= sign(message)[0]
    }
    report(cpuSeconds() - start)

    func report(_ seconds: Double) {
        let perSecond = Int(Double(count) / seconds)
        let micros = String(format: "%.2f", seconds / Double(count) * 1e6)
        print("sign-\(mode) \(count) signatures \(String(format: "%.3f", seconds)) s \(perSecond) signatures/s \(micros) µs/signature (\(sink % 2))")
    }
}

if arguments.count >= 3, arguments.count <= 4, arguments[1] == "sign" {
    guard let count = arguments.count == 4 ? Int(arguments[3]) : 100_000, count > 0 else {
        FileHandle.standardError.write(usage.data(using: .utf8)!)
        exit(64)
    }
    benchmarkSigning(mode: arguments[2], count: count)
    exit(0)
}
if (4...5).contains(arguments.count), arguments[1] == "import", arguments.count == 4 || arguments[4] == "--unsigned" {
    SigningBatch.leavesOutSignaturesForBenchmark.store(arguments.count == 5, ordering: .relaxed)
    let start = Date()
    let status = KoersCommand.run(arguments: ["import", arguments[2], "--store", arguments[3]])
    let seconds = Date().timeIntervalSince(start)
    guard status == 0 else { exit(status) }
    print("import \(arguments.count == 5 ? "unsigned" : "signed") \(String(format: "%.3f", seconds)) s")
    exit(0)
}
guard arguments.count == 3, ["parse", "hash", "sign-log"].contains(arguments[1]) else {
    FileHandle.standardError.write(usage.data(using: .utf8)!)
    exit(64)
}
let path = arguments[2]
if arguments[1] == "sign-log" {
    // The log's events, sealed again, signed as one batch by the writer's own signing step (while this
    // thread waits: the time is signing's alone).
    var drafts: [Event.Sealed] = []
    try LogFile.forEachLine(path) { line, _ in drafts.append(try Event.parse(line: line).sealedForSigning()) }
    let key = Ed25519.SigningKey(seed: Array(repeating: 7, count: 32))
    let start = Date()
    let batch = SigningBatch(signing: drafts, with: key)
    let signed = batch.finish()
    let seconds = Date().timeIntervalSince(start)
    guard signed.events.last?.hasValidSignature ?? true else { fatalError("the last signature does not verify") }
    print("sign \(drafts.count) events \(String(format: "%.3f", seconds)) s \(Int(Double(drafts.count) / seconds)) events/s")
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
