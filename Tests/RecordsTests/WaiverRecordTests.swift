import CanonicalJSON
import Foundation
import Hex
import Records
import Signing
import TestSupport
import Testing

/// Waivers (spec/records.md §8.1) against spec/vectors/waiver-v2 and
/// invalid-waiver.json, which spec/vectors/generate.py produced independently.
@Suite struct WaiverRecordTests {
    @Test func theVectorDecodesAndReencodesToTheSameBytes() throws {
        let payload = Array(try SpecVectors.data("waiver-v2/statement.json"))
        let statement = try Statement(payload: payload, format: .v2)
        #expect(statement.json.canonicalBytes == payload)
        #expect(statement.predicate.type == "https://sessiontrace.dev/waiver/v1")
        let waiver = try #require(statement.waiver)
        #expect(waiver.rule == "sensitive_review")
        #expect(waiver.reason == "hotfix INC-42: reviewed on the incident call — follow-up review in PR 7")
        #expect(waiver.signer.email == "approver@example.com" && waiver.waivedAt == "2026-01-02T03:10:00Z")
        #expect(
            waiver.author == CommitterStamp(name: "Dev Eloper", email: "dev@example.com", time: "2026-01-02T03:04:05Z"))
        #expect(statement.signedAt == waiver.waivedAt && statement.attribution == nil && statement.review == nil)
    }

    @Test func signingTheVectorPayloadGivesTheVectorEnvelope() throws {
        try expectVectorSigns("waiver-v2")
    }

    @Test func everyInvalidWaiverIsRefusedNamingItsMember() throws {
        #expect(try expectInvalidVectorsRefused("invalid-waiver.json") >= 7)
        // Version 1 has no waivers: the same statement in an in-toto envelope is refused.
        expectRefusedInVersion1("https://sessiontrace.dev/waiver/v1")
    }
}
