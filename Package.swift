// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Koers",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "koers", targets: ["koers"]),
        .library(name: "EventLog", targets: ["EventLog"]),
    ],
    targets: [
        // The generic replicated log: envelope, canonical JSON, hashing, clocks, storage.
        .target(name: "EventLog"),
        // The sync protocol and its transports (directory, stdio/ssh, bundle).
        .target(name: "PeerSync", dependencies: ["EventLog"]),
        // The Twentse Koers domain: event types, rules, projections, time travel, conflicts.
        .target(name: "Programme", dependencies: ["EventLog"]),
        // Argument parsing, subcommands and output; no domain rule lives here.
        .target(name: "KoersCommand", dependencies: ["EventLog", "PeerSync", "Programme"]),
        // On Linux a release build links the Swift runtime in: a command then starts in about a third of the
        // time (no shared libraries to load and relocate), which is most of a small command's time.
        .executableTarget(
            name: "koers", dependencies: ["KoersCommand"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]),
        // Micro-benchmarks of the log layer, and import with and without signatures, run by Scripts/bench.
        .executableTarget(name: "koers-bench", dependencies: ["EventLog", "KoersCommand"]),
        // Helpers shared by the test targets: temporary replicas, the built binary, seeded randomness.
        .target(name: "TestSupport", dependencies: ["EventLog", "PeerSync", "Programme", "KoersCommand"], path: "Tests/TestSupport"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ProgrammeTests", dependencies: ["Programme", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PeerSyncTests", dependencies: ["PeerSync", "TestSupport"]),
        .testTarget(name: "KoersCommandTests", dependencies: ["KoersCommand", "TestSupport", "koers"]),
    ],
    swiftLanguageModes: [.v6]
)
