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

    /// The interval takes each block as one draw of all its lines: certain blocks add no
    /// width, and the interval never leaves [0, lines scored].
    @Test func theTallyOfEstimatedLines() {
        var tally = EstimateTally()
        #expect(tally.shareBP == nil && tally.interval == (0, 0))
        tally.add(lines: 10, probabilityBP: 10_000)
        tally.add(lines: 30, probabilityBP: 0)
        #expect(tally.linesScored == 40 && tally.estimatedAILines == 10 && tally.shareBP == 2_500)
        #expect(tally.interval == (10, 10))
        tally.add(lines: 20, probabilityBP: 5_000)
        // 20 more lines at one half: 10 expected, standard deviation 20 · 0.5 = 10.
        #expect(tally.estimatedAILines == 20 && tally.interval == (0, 40))
        var wide = EstimateTally()
        wide.add(lines: 100, probabilityBP: 9_900)
        #expect(wide.interval.high == 100 && wide.interval.low == 79)
    }
}
