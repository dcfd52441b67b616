import CanonicalJSON
import Foundation
import Hex
import Records
import Signing
import TestSupport
import Testing

/// Estimates (spec/records.md §8.3) against spec/vectors/estimate-v2 and
/// invalid-estimate.json, which spec/vectors/generate.py produced independently.
@Suite struct EstimateRecordTests {
    @Test func theVectorDecodesAndReencodesToTheSameBytes() throws {
        let payload = Array(try SpecVectors.data("estimate-v2/statement.json"))
        let statement = try Statement(payload: payload, format: .v2)
        #expect(statement.json.canonicalBytes == payload)
        #expect(statement.predicate.type == "https://sessiontrace.dev/estimate/v1")
        let estimate = try #require(statement.estimate)
        #expect(estimate.model == "sessiontrace-lr-20261206" && estimate.modelSHA256.count == 64)
        #expect(estimate.probabilityBP == 7_700 && estimate.confidence == "medium" && !estimate.contentOnly)
        #expect(estimate.evidence.isEmpty && estimate.unscoredLines == 12)
        #expect(
            estimate.blocks == [
                .init(path: "src/app.py", lines: 3...20, probabilityBP: 8_100),
                .init(path: "src/app.py", lines: 40...52, probabilityBP: 6_900),
                .init(path: "tests/café \"quoted\".py", lines: 1...9, probabilityBP: 7_400),
            ])
        #expect(estimate.signer.email == "auditor@example.com" && estimate.estimatedAt == "2026-01-02T03:10:00Z")
        #expect(statement.signedAt == estimate.estimatedAt && statement.attribution == nil && statement.waiver == nil)
        #expect(statement.approvedChange == nil)  // an estimate is never carried to another commit
    }

    @Test func signingTheVectorPayloadGivesTheVectorEnvelope() throws {
        try expectVectorSigns("estimate-v2")
    }

    @Test func everyInvalidEstimateIsRefusedNamingItsMember() throws {
        #expect(try expectInvalidVectorsRefused("invalid-estimate.json") >= 29)
        // Version 1 has no estimates: the same statement in an in-toto envelope is refused.
        expectRefusedInVersion1("https://sessiontrace.dev/estimate/v1")
    }

    /// Every band boundary of spec/classifier.md §4, as writers compute it and readers check it.
    @Test func theConfidenceBandFollowsTheProbability() throws {
        let expected: [(Int, String)] = [
            (0, "high"), (1_000, "high"), (1_001, "medium"), (2_499, "medium"), (2_500, "low"), (5_000, "low"),
            (7_500, "low"), (7_501, "medium"), (8_999, "medium"), (9_000, "high"), (10_000, "high"),
        ]
        for (bp, band) in expected {
            #expect(Estimate.confidence(bp) == band, "\(bp)")
            let statement = Statement(
                commit: String(repeating: "ab", count: 20),
                predicate: .estimate(
                    Estimate(
                        tool: ToolInfo(name: "git-trace", version: "0.2.0"),
                        signer: SignerInfo(email: "a@example.com", publicKey: nil),
                        estimatedAt: "2026-01-02T03:10:00Z", model: "m", modelSHA256: String(repeating: "0", count: 64),
                        contentOnly: true, evidence: [], probabilityBP: bp, blocks: [], unscoredLines: 0)),
                format: .v2)
            let decoded = try Statement(payload: statement.json.canonicalBytes, format: .v2)
            #expect(decoded == statement)
        }
    }

    /// Blocks a metadata signal settled: each one draw of all its lines at its
    /// probability; certain blocks add no width, and the interval never leaves [0, lines].
    @Test func theTallyOfSettledLines() {
        var tally = EstimateTally()
        #expect(tally.figures(nil).shareBP == nil && tally.figures(nil).interval == nil)
        tally.add(lines: 10, probabilityBP: 10_000, settled: true)
        tally.add(lines: 30, probabilityBP: 0, settled: true)
        var figures = tally.figures(nil)
        #expect(figures.linesScored == 40 && figures.estimatedAILines == 10 && figures.shareBP == 2_500)
        #expect(figures.interval! == (10, 10) && figures.linesWithoutCalibration == 0)
        tally.add(lines: 20, probabilityBP: 5_000, settled: true)
        // 20 more lines at one half: 10 expected, standard deviation 20 · 0.5 = 10.
        figures = tally.figures(nil)
        #expect(figures.estimatedAILines == 20 && figures.interval! == (0, 40))
        var wide = EstimateTally()
        wide.add(lines: 100, probabilityBP: 9_900, settled: true)
        #expect(wide.figures(nil).interval! == (79, 100))
    }

    /// Blocks scored from content are read through the share calibration (spec/classifier.md
    /// §6, its test vectors): a repository whose blocks average the human mean is 0 % AI,
    /// one averaging the AI mean 100 %, and the interval holds how far one repository
    /// strays, not only chance.
    @Test func contentScoredLinesAreReadThroughTheShareCalibration() {
        let calibration = ShareCalibration(humanMean: 0.3, aiMean: 0.7, humanDeviation: 0.1, aiDeviation: 0.1)
        func figures(_ bp: Int, settled extra: Int = 0) -> EstimateFigures {
            var tally = EstimateTally()
            for _ in 0..<10 { tally.add(lines: 10, probabilityBP: bp, settled: false) }
            if extra > 0 { tally.add(lines: extra, probabilityBP: 10_000, settled: true) }
            return tally.figures(calibration)
        }
        let human = figures(3_000)
        #expect(human.estimatedAILines == 0 && human.shareBP == 0 && human.interval! == (0, 86))
        let ai = figures(7_000)
        #expect(ai.estimatedAILines == 100 && ai.shareBP == 10_000 && ai.interval! == (14, 100))
        let half = figures(5_000)
        #expect(half.estimatedAILines == 50 && half.interval! == (0, 100))
        // Below the human mean: the share is held at 0, and the interval still holds it.
        let below = figures(1_000)
        #expect(below.estimatedAILines == 0 && below.interval! == (0, 18))
        // Settled lines add to the content's: 100 more certain AI lines.
        let mixed = figures(3_000, settled: 100)
        #expect(mixed.estimatedAILines == 100 && mixed.readableLines == 200 && mixed.interval! == (100, 186))
        // The naive reading would have said 30 % of a human repository's lines, 2–58.
        var naive = EstimateTally()
        for _ in 0..<10 { naive.add(lines: 10, probabilityBP: 3_000, settled: true) }
        #expect(naive.figures(nil).estimatedAILines == 30 && naive.figures(nil).interval! == (2, 58))
    }

    /// Content-scored lines with no calibration to read them (an unknown model, or one
    /// whose classes' means are too close) are counted apart and in no figure.
    @Test func contentWithoutACalibrationIsInNoFigure() {
        var tally = EstimateTally()
        tally.add(lines: 40, probabilityBP: 6_000, settled: false)
        for calibration in [
            nil, ShareCalibration(humanMean: 0.5, aiMean: 0.54, humanDeviation: 0.1, aiDeviation: 0.1),
            ShareCalibration(humanMean: 0.6, aiMean: 0.4, humanDeviation: 0.1, aiDeviation: 0.1),
        ] {
            let figures = tally.figures(calibration)
            #expect(figures.linesScored == 40 && figures.linesWithoutCalibration == 40)
            #expect(figures.estimatedAILines == nil && figures.interval == nil && figures.shareBP == nil)
            #expect(figures.jsonMembers["estimated_ai_share_bp"] == .null)
        }
        var settled = EstimateTally()
        settled.add(lines: 10, probabilityBP: 100, settled: true)
        let sum = tally.figures(nil) + settled.figures(nil)
        #expect(sum.linesScored == 50 && sum.readableLines == 10 && sum.linesWithoutCalibration == 40)
        #expect(sum.estimatedAILines == 0 && sum.shareBP == 100)
    }
}
