import Testing

/// The tests of `Sources/EventLog/Signing`, gathered under one name so that `swift test --filter Signing` runs them all.
@Suite enum Signing {}
