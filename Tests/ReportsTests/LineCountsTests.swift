import Reports
import Testing

@Suite struct LineCountsTests {
    @Test func sharesAreBasisPointsRoundedOnce() {
        let lines = LineCounts(ai: 1, mixed: 1, human: 1)
        #expect(lines.basisPoints(1) == 3_333)
        #expect(lines.basisPoints(2) == 6_667)
        #expect(lines.originShare(lines.aiWritten) == 6_667)
        #expect(percent(lines.basisPoints(2)) == "66.67%")
        #expect(percent(LineCounts(ai: 1, human: 19).basisPoints(1)) == "5.00%")
    }

    @Test func noDataIsNoShare() {
        #expect(LineCounts().basisPoints(0) == nil)
        let unknown = LineCounts(unknown: 5)
        #expect(unknown.basisPoints(5) == 10_000)
        #expect(unknown.originShare(unknown.aiWritten) == nil, "all lines unknown: no AI share, not 0 %")
        #expect(percent(nil) == "n/a")
    }
}
