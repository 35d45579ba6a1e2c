import EventLog
import Foundation
import Testing
import TestSupport

/// The programme commands as a user runs them: the built binary, real replicas, real exit codes.
@Suite struct DomainEndToEndTests {
    static let office = "programmabureau"
    static let january = ["KOERS_NOW": "2025-01-06T09:00:00Z"]

    static let programme = """
        {"type":"owner-joined","effective":"2025-01-01","data":{"owner":"enschede","name":"Gemeente Enschede","kind":"municipality"}}
        {"type":"owner-joined","effective":"2025-01-01","data":{"owner":"menzis","name":"Menzis","kind":"insurer"}}
        {"type":"theme-defined","effective":"2025-01-01","data":{"theme":"gezond-leven","name":"Gezond leven"}}
        {"type":"theme-defined","effective":"2025-01-01","data":{"theme":"jeugd","name":"Jeugd"}}
        {"type":"project-started","effective":"2025-01-01","data":{"project":"welzijn-op-recept","name":"Welzijn op recept","theme":"gezond-leven","lead":"Ilse","source":{"document":"werkplan-2025.pdf","quote":"Welzijn op recept start in januari"}}}
        {"type":"project-started","effective":"2025-01-01","data":{"project":"kansrijke-start","name":"Kansrijke start","theme":"jeugd"}}
        {"type":"partner-registered","effective":"2025-01-01","data":{"partner":"ggd","name":"GGD Twente","kind":"public health"}}
        {"type":"partner-linked","effective":"2025-01-01","data":{"partner":"ggd","project":"welzijn-op-recept","role":"uitvoerder"}}
        {"type":"decision-recorded","effective":"2025-01-02","data":{"decision":"bo-2025-01","body":"bo","date":"2025-01-02","title":"SPUK IZA aanvraag","outcome":"adopted","projects":["welzijn-op-recept"],"subsidies":["spuk-iza"],"amountCents":20000000}}
        {"type":"budget-line-opened","effective":"2025-01-01","data":{"line":"menzis-2025","year":2025,"side":"income","name":"Bijdrage Menzis","funder":"menzis","amountCents":10000000}}
        {"type":"budget-line-opened","effective":"2025-01-01","data":{"line":"gemeenten-2025","year":2025,"side":"income","name":"Bijdrage gemeenten","amountCents":5000000}}
        {"type":"budget-line-opened","effective":"2025-01-01","data":{"line":"uitgaven-2025","year":2025,"side":"expense","name":"Projecten","theme":"jeugd","amountCents":12000000}}
        {"type":"budget-line-opened","effective":"2025-01-01","data":{"line":"reserve-2025","year":2025,"side":"expense","name":"Risicoreserve","amountCents":1000000,"reserve":true}}
        {"type":"subsidy-requested","effective":"2025-01-03","data":{"subsidy":"spuk-iza","name":"SPUK IZA","grantor":"VWS","amountCents":20000000,"year":2025,"projects":["welzijn-op-recept"],"decision":"bo-2025-01"}}
        {"type":"indicator-recorded","effective":"2025-04-01","data":{"project":"welzijn-op-recept","indicator":"deelnemers","period":"2025-Q1","value":40,"unit":"personen"}}

        """

    /// A new replica trusting the office's key as the programme's root (the office's own replica: its own key).
    static func initStore(_ tmp: TemporaryDirectory, _ id: String, owner: String = office) -> String {
        let store = tmp.at(id)
        let result = Koers.run(["init", store, "--replica", id, "--owner", owner])
        #expect(result.status == 0, "\(result)")
        let root = Koers.run(["key", "show", "--store", tmp.at(office)]).stdout.trimmingCharacters(in: .newlines)
        let trusted = Koers.run(["trust", "add", "bureau", root, "--store", store])
        #expect(trusted.status == 0, "\(trusted)")
        return store
    }

    /// The office enrols a replica for its owner.
    static func enrol(_ store: String, owner: String, by office: String, now: String = "2025-01-06T09:00:00Z") {
        let key = Koers.run(["key", "show", "--store", store]).stdout.trimmingCharacters(in: .newlines)
        let result = record(office, ["replica-enrolled", "--replica", URL(fileURLWithPath: store).lastPathComponent, "--owner", owner, "--key", key], now: now)
        #expect(result.status == 0, "\(result)")
    }

    /// The programme office's replica with the programme imported.
    static func programmeStore(_ tmp: TemporaryDirectory) -> String {
        let store = initStore(tmp, office)
        let result = Koers.run(["import", tmp.write("programme.jsonl", programme), "--store", store], environment: january)
        #expect(result.status == 0, "\(result)")
        return store
    }

    /// Hands the events `to` lacks from `from`, causes first, as sync will (the sync command is not there yet).
    static func exchange(from: String, to: String) throws {
        let source = try Replica.open(at: from)
        let target = try Replica.open(at: to)
        let held = try target.versionVector()
        let missing = try source.allEvents().filter { $0.seq > held[$0.origin] }.sorted(by: Event.precedesInLogOrder)
        try target.writeWhenFree { writer in try writer.append(missing) }
    }

    static func record(_ store: String, _ arguments: [String], now: String) -> CommandResult {
        Koers.run(["record"] + arguments + ["--store", store], environment: ["KOERS_NOW": now])
    }

    /// The programme, plus Enschede's participation, a conflict between the office's two machines, and a problem.
    static func fullStore(_ tmp: TemporaryDirectory) throws -> String {
        let store = programmeStore(tmp)
        let laptop = initStore(tmp, "bureau-laptop")
        let enschede = initStore(tmp, "enschede", owner: "enschede")
        enrol(laptop, owner: office, by: store)
        enrol(enschede, owner: "enschede", by: store)
        try exchange(from: store, to: laptop)
        try exchange(from: store, to: enschede)
        let results = [
            record(enschede, ["participation-changed", "--project", "welzijn-op-recept", "--municipality", "enschede", "--participating", "true"], now: "2025-02-03T09:00:00Z"),
            record(store, ["project-changed", "--project", "welzijn-op-recept", "--lead", "Anna"], now: "2025-03-03T10:00:00Z"),
            record(laptop, ["project-changed", "--project", "welzijn-op-recept", "--lead", "Bram"], now: "2025-03-03T11:00:00Z"),
            record(store, ["theme-defined", "--theme", "wonen", "--name", "Wonen"], now: "2025-03-04T10:00:00Z"),
            record(laptop, ["theme-defined", "--theme", "wonen", "--name", "Wonen en zorg"], now: "2025-03-04T11:00:00Z"),
        ]
        for result in results { #expect(result.status == 0, "\(result)") }
        try exchange(from: enschede, to: store)
        try exchange(from: laptop, to: store)
        return store
    }

    static func json(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.hasSuffix("\n") && result.stdout.filter { $0 == "\n" }.count == 1, "one line: \(result)", sourceLocation: sourceLocation)
        return try JSONValue(parsing: result.stdout.trimmingCharacters(in: .newlines))
    }

    // MARK: record

    @Test func recordAppendsOneEventWithTheOwnerFilledIn() throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let result = Self.record(store, ["theme-defined", "--theme", "wonen", "--name", "Wonen", "--effective", "2025-02-01", "--source-document", "notulen.pdf", "--source-quote", "Wonen wordt een lijn"], now: "2025-02-03T09:00:00Z")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == "recorded programmabureau:16 theme-defined effective 2025-02-01\n")
        let events = try Replica.open(at: store).events(origin: Self.office)
        #expect(events.count == 16)
        let last = try #require(events.last)
        #expect(last.data["recordedBy"] == .string(Self.office))
        #expect(last.data["source"] == .object([("document", .string("notulen.pdf")), ("quote", .string("Wonen wordt een lijn"))]))
        #expect(last.hlc.description == "2025-02-03T09:00:00.000Z+0")
        let themes = try Self.json(Koers.run(["themes", "--json", "--store", store]))
        #expect(themes.arrayValue?.compactMap { $0.objectValue?["theme"]?.stringValue } == ["gezond-leven", "jeugd", "wonen"])

        let viaData = Koers.run(["record", "partner-registered", "--data", #"{"partner":"saxion","name":"Saxion"}"#, "--json", "--store", store], environment: ["KOERS_NOW": "2025-02-03T09:05:00Z"])
        let line = try Self.json(viaData).objectValue
        #expect(line?["seq"] == .integer(17))
        #expect(line?["data"]?.objectValue?["recordedBy"] == .string(Self.office))
        #expect(line?["effective"] == .string("2025-02-03"), "the default effective date is today")
    }

    @Test func anUnknownTypeIsAUsageError() {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let before = snapshot(of: store)
        let result = Self.record(store, ["project-renamed", "--project", "welzijn-op-recept"], now: "2025-02-03T09:00:00Z")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("unknown event type"), "\(result)")
        #expect(snapshot(of: store) == before)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var status: Int32 = 1
        var mentions: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        Refusal(name: "unknown theme", arguments: ["project-started", "--project", "nieuw", "--name", "Nieuw", "--theme", "sport"], mentions: "[rule: unknown-reference]"),
        Refusal(name: "duplicate theme", arguments: ["theme-defined", "--theme", "jeugd", "--name", "Jeugd"], mentions: "[rule: duplicate]"),
        Refusal(name: "office records participation", arguments: ["participation-changed", "--project", "welzijn-op-recept", "--municipality", "enschede", "--participating", "true"], mentions: "[rule: authorisation]"),
        Refusal(name: "claims another owner", arguments: ["theme-defined", "--theme", "wonen", "--name", "Wonen", "--recorded-by", "menzis"], mentions: "[rule: authorisation]"),
        Refusal(name: "large subsidy without decision", arguments: ["subsidy-requested", "--subsidy", "gala", "--name", "GALA", "--grantor", "VWS", "--amount-cents", "15000001"], mentions: "[rule: subsidy-decision]"),
        Refusal(name: "change of an ended project", arguments: ["project-changed", "--project", "kansrijke-start", "--status", "paused"], mentions: "[rule: project-ended]"),
        Refusal(name: "bad choice", arguments: ["project-changed", "--project", "welzijn-op-recept", "--status", "finished"], mentions: "[rule: form]"),
        Refusal(name: "missing required member", arguments: ["project-started", "--project", "nieuw", "--name", "Nieuw"], mentions: "data.theme"),
        Refusal(name: "bad identifier", arguments: ["theme-defined", "--theme", "Wonen", "--name", "Wonen"], mentions: "[rule: form]"),
        Refusal(name: "text for a whole number", arguments: ["budget-line-opened", "--line", "l", "--year", "twee", "--side", "income", "--name", "L"], status: 64, mentions: "--year"),
        Refusal(name: "unknown member", arguments: ["theme-defined", "--theme", "wonen", "--name", "Wonen", "--colour", "red"], status: 64, mentions: "--colour"),
    ])
    func aRuleViolationIsRefusedAndChangesNothing(_ refusal: Refusal) throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        #expect(Self.record(store, ["project-ended", "--project", "kansrijke-start", "--outcome", "completed"], now: "2025-02-01T09:00:00Z").status == 0)
        let before = snapshot(of: store)
        let vector = try Replica.open(at: store).versionVector()
        let result = Self.record(store, refusal.arguments, now: "2025-02-03T09:00:00Z")
        #expect(result.status == refusal.status, "\(result)")
        #expect(result.stderr.contains(refusal.mentions), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        if refusal.status == 1 { #expect(result.stderr.hasSuffix("nothing recorded\n"), "\(result)") }
        #expect(snapshot(of: store) == before, "the replica changed")
        #expect(try Replica.open(at: store).versionVector() == vector)
    }

    @Test func aReplicaThatIsNotEnrolledMayRecordNothing() throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let evaluator = Self.initStore(tmp, "evaluator", owner: "evaluator")
        try Self.exchange(from: store, to: evaluator)
        let before = snapshot(of: evaluator)
        let result = Self.record(evaluator, ["indicator-recorded", "--project", "welzijn-op-recept", "--indicator", "tevredenheid", "--period", "2025", "--value", "8"], now: "2025-02-03T09:00:00Z")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("not enrolled: replica 'evaluator' is not enrolled"), "\(result)")
        #expect(result.stderr.contains("[rule: enrolment]"), "\(result)")
        #expect(snapshot(of: evaluator) == before)
    }

    // MARK: import

    @Test func anImportWithARuleViolationOnLine3IsRefusedWhole() throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let before = snapshot(of: store)
        let file = tmp.write("more.jsonl", """
            {"type":"theme-defined","effective":"2025-02-01","data":{"theme":"wonen","name":"Wonen"}}
            {"type":"project-started","effective":"2025-02-01","data":{"project":"thuis","name":"Thuis","theme":"wonen"}}
            {"type":"project-started","effective":"2025-02-01","data":{"project":"sportief","name":"Sportief","theme":"sport"}}
            {"type":"theme-defined","effective":"2025-02-01","data":{"theme":"sport","name":"Sport"}}

            """)
        let result = Koers.run(["import", file, "--store", store], environment: ["KOERS_NOW": "2025-02-03T09:00:00Z"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("\(file):3: error: project-started: data.theme: theme line 'sport' does not exist"), "\(result)")
        #expect(result.stderr.contains("[rule: unknown-reference]"), "\(result)")
        #expect(!result.stderr.contains("\(file):1:") && !result.stderr.contains("\(file):2:"), "lines 1 and 2 are fine and see each other: \(result)")
        #expect(result.stderr.contains("nothing recorded"), "\(result)")
        #expect(snapshot(of: store) == before)
        #expect(try Replica.open(at: store).events(origin: Self.office).count == 15)

        // The lines see the lines before them: in the right order, the same file is accepted.
        let fixed = tmp.write("fixed.jsonl", """
            {"type":"theme-defined","effective":"2025-02-01","data":{"theme":"sport","name":"Sport"}}
            {"type":"project-started","effective":"2025-02-01","data":{"project":"sportief","name":"Sportief","theme":"sport"}}

            """)
        let accepted = Koers.run(["import", fixed, "--store", store], environment: ["KOERS_NOW": "2025-02-03T09:00:00Z"])
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.stdout == "imported 2 events as programmabureau:16…17\n")
    }

    /// Amendments that would take a budget beyond what a JSON number carries are refused; they once crashed the import.
    @Test func anImportBeyondTheBudgetRangeIsRefusedNotACrash() throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let before = snapshot(of: store)
        let file = tmp.write("huge.jsonl", """
            {"type":"budget-line-opened","effective":"2030-01-01","data":{"line":"groot","year":2030,"side":"income","name":"Groot","amountCents":9007199254740991}}
            {"type":"budget-amended","effective":"2030-01-01","data":{"line":"groot","deltaCents":-1,"reason":"r"}}
            {"type":"budget-amended","effective":"2030-01-01","data":{"line":"groot","deltaCents":9007199254740991,"reason":"r"}}

            """)
        let result = Koers.run(["import", file, "--store", store], environment: ["KOERS_NOW": "2025-02-03T09:00:00Z"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("\(file):3: error: budget-amended: data.deltaCents:"), "\(result)")
        #expect(result.stderr.contains("[rule: amount-range]"), "\(result)")
        #expect(snapshot(of: store) == before)
    }

    // MARK: views

    struct View: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var text: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let views: [View] = [
        View(arguments: ["owners"], text: ["enschede", "Gemeente Enschede", "municipality", "menzis", "2 owners"]),
        View(arguments: ["themes"], text: ["gezond-leven", "Gezond leven", "wonen"]),
        View(arguments: ["projects"], text: ["welzijn-op-recept", "Welzijn op recept", "kansrijke-start", "2 projects", "* conflicting values: see 'koers conflicts'"]),
        View(arguments: ["project", "welzijn-op-recept"], text: ["welzijn-op-recept: Welzijn op recept", "lead         Bram *", "takes part   enschede", "history:", "source: werkplan-2025.pdf", "by enschede"]),
        View(arguments: ["decisions"], text: ["2025-01-02", "bo-2025-01", "SPUK IZA aanvraag", "1 decisions"]),
        View(arguments: ["partners"], text: ["ggd", "GGD Twente", "project:welzijn-op-recept (uitvoerder)"]),
        View(arguments: ["participation"], text: ["welzijn-op-recept", "enschede", "x"]),
        View(arguments: ["budget"], text: ["budget 2025", "Bijdrage Menzis", "Risicoreserve (reserve)", "without reserve", "with reserve"]),
        View(arguments: ["subsidies"], text: ["spuk-iza", "SPUK IZA", "VWS", "bo-2025-01"]),
        View(arguments: ["indicators"], text: ["welzijn-op-recept", "deelnemers", "2025-Q1", "40", "personen", "1 values"]),
        View(arguments: ["conflicts"], text: ["project:welzijn-op-recept lead: shown 'Bram'", "'Anna'  set by programmabureau", "1 conflict"]),
        View(arguments: ["problems"], text: ["bureau-laptop:2 theme-defined by programmabureau", "[duplicate]", "1 event not applied"]),
        View(arguments: ["digest"], text: []),
    ]

    @Test(arguments: views)
    func everyViewPrintsJSONAndText(_ view: View) throws {
        let tmp = TemporaryDirectory()
        let store = try Self.fullStore(tmp)
        let json = try Self.json(Koers.run(view.arguments + ["--json", "--store", store]))
        #expect(json != .null)
        let text = Koers.run(view.arguments + ["--store", store])
        #expect(text.status == 0, "\(text)")
        #expect(text.stderr.isEmpty, "\(text)")
        #expect(!text.stdout.isEmpty && text.stdout.hasSuffix("\n"), "\(text)")
        #expect(!text.stdout.hasPrefix("{") && !text.stdout.hasPrefix("["), "text output is not JSON: \(text)")
        for part in view.text {
            #expect(text.stdout.contains(part), "'\(part)' missing from:\n\(text.stdout)")
        }
    }

    /// Every view read from the cache (the head snapshot, whole or only its core, and the events after it)
    /// prints what a replay of the whole log prints.
    @Test func everyViewFromTheCachePrintsWhatAReplayPrints() throws {
        let tmp = TemporaryDirectory()
        let store = try Self.fullStore(tmp)
        let amendment = ["budget-amended", "--line", "menzis-2025", "--delta-cents", "250", "--reason", "indexatie"]
        #expect(Self.record(store, amendment, now: "2025-04-07T09:00:00Z").status == 0)
        let cache = store + "/cache"
        try FileManager.default.removeItem(atPath: cache)
        #expect(Koers.run(["digest", "--store", store]).status == 0, "a replay leaves a head snapshot of every event")
        for arguments in [amendment, ["project-changed", "--project", "kansrijke-start", "--lead", "Femke"]] {
            let result = Self.record(store, arguments, now: "2025-04-08T09:00:00Z")
            #expect(result.status == 0, "\(result)")
        }
        let kept = tmp.at("cache-kept")
        try FileManager.default.copyItem(atPath: cache, toPath: kept)
        // Views at dates before, inside and after the history's: a dated view starts from the head only after all of them.
        let dated = ["2024-12-31", "2025-02-15", "2025-04-08", "2030-01-01"].flatMap { [["budget", "--at", $0], ["digest", "--at", $0]] }
        for view in Self.views.map(\.arguments) + [["replicas"], ["projects", "--all"]] + dated {
            for format in [[], ["--json"]] {
                let arguments = view + format + ["--store", store]
                try? FileManager.default.removeItem(atPath: cache)
                try FileManager.default.copyItem(atPath: kept, toPath: cache)
                let fromCache = Koers.run(arguments)
                try FileManager.default.removeItem(atPath: cache)
                let replayed = Koers.run(arguments)
                #expect(replayed.status == 0 && !replayed.stdout.isEmpty, "\(arguments): \(replayed)")
                #expect(fromCache.status == 0 && fromCache.stdout == replayed.stdout, "\(arguments)\n\(fromCache)\n\(replayed)")
            }
        }
    }

    @Test func theViewsSayWhatTheyHold() throws {
        let tmp = TemporaryDirectory()
        let store = try Self.fullStore(tmp)
        let budget = try #require(Self.json(Koers.run(["budget", "--json", "--store", store])).objectValue?["years"]?.arrayValue?.first?.objectValue)
        #expect(budget["year"] == .integer(2025))
        #expect(budget["totalIncome"] == .integer(15_000_000))
        #expect(budget["totalExpense"] == .integer(12_000_000))
        #expect(budget["totalExpenseWithReserve"] == .integer(13_000_000))
        #expect(budget["overspent"] == .bool(false))

        let conflicts = try #require(Self.json(Koers.run(["conflicts", "--json", "--store", store])).arrayValue)
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.objectValue?["values"]?.arrayValue?.count == 2)
        let problems = try #require(Self.json(Koers.run(["problems", "--json", "--store", store])).arrayValue)
        #expect(problems.map { $0.objectValue?["event"] } == [.string("bureau-laptop:2")])
        let project = try #require(Self.json(Koers.run(["project", "welzijn-op-recept", "--json", "--store", store])).objectValue)
        #expect(project["participants"] == .array([.string("enschede")]))
        #expect(project["conflicts"] == .array([.string("lead")]))

        let digest = Koers.run(["digest", "--store", store])
        #expect(digest.stdout.count == 65 && digest.stdout.allSatisfy { $0.isHexDigit || $0 == "\n" }, "\(digest)")
        let digestJSON = try #require(Self.json(Koers.run(["digest", "--json", "--store", store])).objectValue)
        #expect(digestJSON["digest"] == .string(String(digest.stdout.dropLast())))
        #expect(digestJSON["events"] == .integer(22), "the programme, two enrolments and five recorded events")

        // The laptop, once it holds the same events, prints the same digest.
        let laptop = tmp.at("bureau-laptop")
        try Self.exchange(from: store, to: laptop)
        #expect(Koers.run(["digest", "--store", laptop]).stdout == digest.stdout)

        let missing = Koers.run(["project", "bestaat-niet", "--store", store])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no project 'bestaat-niet'"), "\(missing)")
    }

    // MARK: time travel

    @Test func atAndKnownAtOnABackDatedDecision() throws {
        let tmp = TemporaryDirectory()
        let store = Self.programmeStore(tmp)
        let recorded = Self.record(store, ["decision-recorded", "--decision", "bo-2025-04", "--body", "bo", "--date", "2025-04-16", "--title", "Verlenging", "--outcome", "adopted", "--effective", "2025-04-16"], now: "2025-05-12T10:00:00Z")
        #expect(recorded.status == 0, "\(recorded)")
        func decisions(_ options: [String]) throws -> [String] {
            try Self.json(Koers.run(["decisions", "--json", "--store", store] + options)).arrayValue?.compactMap { $0.objectValue?["decision"]?.stringValue } ?? []
        }
        #expect(try decisions([]) == ["bo-2025-01", "bo-2025-04"])
        #expect(try decisions(["--at", "2025-04-20"]) == ["bo-2025-01", "bo-2025-04"])
        #expect(try decisions(["--known-at", "2025-04-20"]) == ["bo-2025-01"])
        #expect(try decisions(["--at", "2025-04-20", "--known-at", "2025-05-31"]) == ["bo-2025-01", "bo-2025-04"])
        #expect(try decisions(["--at", "2025-04-15", "--known-at", "2025-05-31"]) == ["bo-2025-01"])
        #expect(try decisions(["--known-at", "2025-05-12T10:00:00Z"]) == ["bo-2025-01", "bo-2025-04"])
        #expect(try decisions(["--upto", "programmabureau:15"]) == ["bo-2025-01"])
        #expect(try decisions(["--at", "2024-12-31"]) == [])
        let text = Koers.run(["projects", "--at", "2025-04-20", "--store", store])
        #expect(text.stdout.contains("2 projects on 2025-04-20"), "\(text)")
    }

    @Test(arguments: [
        ["--at", "2025-13-01"], ["--at", "20-04-2025"], ["--at", "today"],
        ["--known-at", "yesterday"], ["--known-at", "2025-04-20T10:00"], ["--known-at", "2025-02-30"],
        ["--upto", "programmabureau"], ["--upto", "programmabureau:0"], ["--upto", "Programmabureau:3"], ["--upto", "a:1,a:2"],
        // Keeps the laptop's events but not the office's they depend on.
        ["--upto", "bureau-laptop:1"],
    ])
    func badTimeTravelValuesAreUsageErrors(_ options: [String]) throws {
        let tmp = TemporaryDirectory()
        let store = try Self.fullStore(tmp)
        for command in [["projects"], ["budget", "--json"], ["project", "welzijn-op-recept"], ["digest"]] {
            let result = Koers.run(command + options + ["--store", store])
            #expect(result.status == 64, "\(command) \(options): \(result)")
            #expect(result.stderr.contains("invalid value '\(options[1])' for '\(options[0])'"), "\(result)")
            #expect(result.stdout.isEmpty)
        }
        if options == ["--upto", "bureau-laptop:1"] {
            let result = Koers.run(["digest", "--upto", "bureau-laptop:1", "--store", store])
            #expect(result.stderr.contains("not causally closed"), "\(result)")
        }
    }
}
