import Diagnostics
import Foundation
import Testing

/// Progress lines as git writes them, at most ten a second, with an estimate.
@Suite struct ProgressMeterTests {
    final class Recorder: @unchecked Sendable {
        var lines = [String]()
        var now: TimeInterval = 100
    }

    @Test func linesAreRewrittenInPlaceThrottledAndFinishedOnce() {
        let recorder = Recorder()
        let meter = ProgressMeter(
            "Verifying records", total: 200, write: { recorder.lines.append($0) }, clock: { recorder.now })
        meter.advance(by: 10)  // shown: the first update
        meter.advance(by: 10)  // not shown: within 0.1 s of the last
        recorder.now += 2
        meter.advance(by: 30)  // 50 of 200 after 2 s: 6 s left
        meter.finish()
        meter.finish()
        meter.advance()
        #expect(recorder.lines.count == 3, "\(recorder.lines)")
        #expect(recorder.lines[0].hasPrefix("\rVerifying records:   5% (10/200)"), "\(recorder.lines[0])")
        #expect(recorder.lines[1].hasPrefix("\rVerifying records:  25% (50/200), 6 s left"), "\(recorder.lines[1])")
        #expect(
            recorder.lines[2].hasPrefix("\rVerifying records: 100% (200/200), done.")
                && recorder.lines[2].hasSuffix("\n"))
    }

    @Test func longEstimatesAreInMinutesAndNothingOverflows() {
        let recorder = Recorder()
        let meter = ProgressMeter("Reading", total: 10, write: { recorder.lines.append($0) }, clock: { recorder.now })
        recorder.now += 120
        meter.advance(by: 1)  // 1 of 10 after 2 min: 18 min left
        #expect(recorder.lines.last?.contains("(1/10), 18 min left") == true, "\(recorder.lines)")
        recorder.now += 1
        meter.advance(by: 50)
        #expect(recorder.lines.last?.hasPrefix("\rReading: 100% (10/10)") == true, "\(recorder.lines)")
        let empty = ProgressMeter("Nothing", total: 0, write: { recorder.lines.append($0) }, clock: { recorder.now })
        empty.finish()
        #expect(recorder.lines.last?.hasPrefix("\rNothing: 100% (0/0), done.") == true)
    }

    @Test func quietWinsAndProgressForcesIt() {
        #expect(!ProgressMeter.wanted(progress: true, quiet: true))
        #expect(ProgressMeter.wanted(progress: true, quiet: false))
    }
}
