import Dispatch
import EventLog
import Synchronization

/// `koers import FILE`: records many events of this replica at once, all or nothing.
enum ImportCommand: Subcommand {
    static let spec = CommandSpec(
        name: "import",
        abstract: "Record the events of a JSON Lines file as this replica's, all or nothing.",
        discussion: """
            Each non-empty line of FILE ('-' reads standard input) is one object \
            {"type": …, "effective": "YYYY-MM-DD", "data": {…}}; nothing else is allowed. \
            Data holds whole numbers only (amounts in cents). Every line is checked before \
            anything is written, including the programme's rules (each line sees the lines \
            before it); one bad line refuses the whole file. The events are written in one \
            batch with one fsync. data.recordedBy is filled in with the replica's owner.
            """,
        positionals: [.init("FILE", help: "JSON Lines file to import, or '-' for standard input.")])

    static let maxReportedErrors = 20

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> Int32 {
        let path = arguments.positional("FILE")!
        let replica = try context.openReplica(arguments)
        let bytes = try FileIO.readAll(path == "-" ? "/dev/stdin" : path)
        let shownPath = path == "-" ? "<stdin>" : path
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        var items: [Recording.Item] = []
        items.reserveCapacity(lines.count)
        var errors: [String] = []
        reading: for (index, parsed) in parseLines(lines).enumerated() {
            switch parsed {
            case nil: continue
            case .success(let draft)?: items.append(Recording.Item(draft: draft, line: index + 1))
            case .failure(let error)?:
                errors.append("\(shownPath):\(index + 1): error: \(error)")
                if errors.count == maxReportedErrors { break reading }
            }
        }
        guard errors.isEmpty else {
            throw CommandFailure(text: errors.joined(separator: "\n") + "\nnothing imported: \(shownPath) has errors\n")
        }
        let events = try Recording.record(items, into: replica, context, file: shownPath)
        context.keepUntilExit(events)
        context.keepUntilExit(items)
        if arguments.flag("json") {
            context.printJSON(.object([
                ("imported", .integer(Int64(events.count))),
                ("origin", .string(replica.identity.replica)),
                ("first", events.first.map { .integer(Int64($0.seq)) } ?? .null),
                ("last", events.last.map { .integer(Int64($0.seq)) } ?? .null),
            ]))
        } else if let first = events.first, let last = events.last {
            context.console.out("imported \(events.count) events as \(first.origin):\(first.seq)…\(last.seq)\n")
        } else {
            context.console.out("imported 0 events: \(shownPath) holds none\n")
        }
        return 0
    }

    /// Reads every line on both cores (the file's order is kept); nil for a blank line.
    static func parseLines(_ lines: [ArraySlice<UInt8>]) -> [Result<EventDraft, EnvelopeError>?] {
        let half = (lines.count + 1) / 2
        let parts = Mutex<[[Result<EventDraft, EnvelopeError>?]]>([[], []])
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            var local: [Result<EventDraft, EnvelopeError>?] = []
            local.reserveCapacity(half)
            for line in lines[(part == 0 ? 0..<half : half..<lines.count)] {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    local.append(nil)
                    continue
                }
                do throws(EnvelopeError) { local.append(.success(try parseDraft(Array(line)))) } catch { local.append(.failure(error)) }
            }
            parts.withLock { $0[part] = local }
        }
        return parts.withLock { $0[0] + $0[1] }
    }

    /// Reads one import line: exactly `type`, `effective` and `data`.
    static func parseDraft(_ line: [UInt8]) throws(EnvelopeError) -> EventDraft {
        let object: JSONObject
        do {
            guard let parsed = try JSONValue(parsing: line).objectValue else {
                throw EnvelopeError(field: nil, problem: "a line must be a json object {\"type\", \"effective\", \"data\"}")
            }
            object = parsed
        } catch let error as JSONError {
            throw EnvelopeError(field: nil, problem: error.description)
        } catch let error as EnvelopeError {
            throw error
        } catch {
            throw EnvelopeError(field: nil, problem: "\(error)")
        }
        for name in object.names where !["type", "effective", "data"].contains(name) {
            throw EnvelopeError(field: name, problem: "is not allowed here (only type, effective and data)")
        }
        guard let type = object["type"]?.stringValue else { throw EnvelopeError(field: "type", problem: "is missing or not a string") }
        guard Identifier.isValidTypeName(type) else { throw EnvelopeError(field: "type", problem: "'\(type)' is not a kebab-case type name") }
        guard let effectiveText = object["effective"]?.stringValue else {
            throw EnvelopeError(field: "effective", problem: "is missing or not a string")
        }
        guard let effective = LocalDate(parsing: effectiveText) else {
            throw EnvelopeError(field: "effective", problem: "'\(effectiveText)' is not a date YYYY-MM-DD")
        }
        guard let data = object["data"]?.objectValue else { throw EnvelopeError(field: "data", problem: "is missing or not an object") }
        return EventDraft(type: type, effective: effective, data: data)
    }
}
