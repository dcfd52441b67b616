import Reports
import Testing

@Suite struct StatsTests {
    @Test func sharesAreRoundedBasisPoints() {
        var stats = Stats()
        stats.added = 3
        #expect(stats.basisPoints(1) == 3_333)
        #expect(stats.basisPoints(2) == 6_667)
        #expect(stats.basisPoints(3) == 10_000)
        stats.added = 0
        #expect(stats.basisPoints(0) == 0)
    }
}
