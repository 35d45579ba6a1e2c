import Testing
import EventLog
import TestSupport

@Suite struct HybridClockTests {
    static let seeds: [UInt64] = [0x6B6F_6572_7303, 42, 1_745_314_200_123]
    static let cases = 500

    /// Wall clocks that stall, creep, and jump back and forth, interleaved with observed timestamps
    /// that may run ahead of the wall clock or sit at a full counter.
    @Test(arguments: seeds)
    func everyTickIsLaterThanEverythingBeforeAndNeverLagsTheWallClock(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for i in 0..<Self.cases {
            var clock = HybridClock()
            var wall = Int64.random(in: 0...2_000_000_000_000, using: &random)
            var highest = HybridTimestamp.zero
            var steps: [String] = []
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0: wall = max(0, wall - Int64.random(in: 1...10_000, using: &random))
                case 1: wall += Int64.random(in: 1...10_000, using: &random)
                case 2, 3: wall += Int64.random(in: 0...1, using: &random)
                default: break
                }
                if Int.random(in: 0..<4, using: &random) == 0 {
                    let counter = Bool.random(using: &random) ? UInt32.max - UInt32.random(in: 0...2, using: &random) : UInt32.random(in: 0...5, using: &random)
                    let observed = HybridTimestamp(millis: max(0, wall + Int64.random(in: -5...5, using: &random)), counter: counter)
                    steps.append("observe \(observed)")
                    clock.observe(observed)
                    highest = max(highest, observed)
                    #expect(clock.latest == highest, "seed \(seed) case \(i): \(steps)")
                }
                let reading = clock.tick(wallMillis: wall)
                steps.append("tick \(wall) -> \(reading)")
                #expect(reading > highest, "seed \(seed) case \(i): \(steps)")
                #expect(reading.millis >= wall, "seed \(seed) case \(i): \(steps)")
                #expect(clock.latest == reading, "seed \(seed) case \(i): \(steps)")
                highest = reading
            }
        }
    }

    @Test func wallClockAheadResetsTheCounter() {
        var clock = HybridClock(latest: HybridTimestamp(millis: 100, counter: 7))
        #expect(clock.tick(wallMillis: 101) == HybridTimestamp(millis: 101, counter: 0))
        #expect(clock.tick(wallMillis: 101) == HybridTimestamp(millis: 101, counter: 1))
        #expect(clock.tick(wallMillis: 50) == HybridTimestamp(millis: 101, counter: 2))
    }

    @Test func observedFutureTimestampHoldsTheClockBack() {
        var clock = HybridClock()
        clock.observe(HybridTimestamp(millis: 5_000, counter: 3))
        clock.observe(HybridTimestamp(millis: 4_000, counter: 9))
        #expect(clock.latest == HybridTimestamp(millis: 5_000, counter: 3))
        #expect(clock.tick(wallMillis: 1_000) == HybridTimestamp(millis: 5_000, counter: 4))
    }

    @Test func fullCounterMovesToTheNextMillisecond() {
        var clock = HybridClock(latest: HybridTimestamp(millis: 100, counter: UInt32.max - 1))
        #expect(clock.tick(wallMillis: 100) == HybridTimestamp(millis: 100, counter: UInt32.max))
        #expect(clock.tick(wallMillis: 100) == HybridTimestamp(millis: 101, counter: 0))
        #expect(clock.tick(wallMillis: 90) == HybridTimestamp(millis: 101, counter: 1))
    }

    @Test func firstTickFromZero() {
        var clock = HybridClock()
        #expect(clock.tick(wallMillis: 0) == HybridTimestamp(millis: 0, counter: 1))
        #expect(clock.tick(wallMillis: 1_713_261_600_000) == HybridTimestamp(millis: 1_713_261_600_000))
    }
}
