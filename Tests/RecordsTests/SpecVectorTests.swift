import CanonicalJSON
import Foundation
import Hex
import Records
import Signing
import TestSupport
import Testing

/// The implementation against spec/vectors/, which an independent implementation
/// (spec/vectors/generate.py) produced.
@Suite struct SpecVectorTests {
    @Test func statementDecodesAndReencodesToTheSameBytes() throws {
        let payload = Array(try SpecVectors.data("attribution-v1/statement.json"))
        let statement = try Statement(payload: payload)
        #expect(statement.json.canonicalBytes == payload)
        let attribution = try #require(statement.attribution)
        #expect(statement.commit == "0123456789abcdef0123456789abcdef01234567")
        #expect(attribution.files.map(\.path) == ["src/app.swift", "tests/café \"quoted\".txt"])
        #expect(
            attribution.files[0].ranges[0].contributor
                == Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5"))
        #expect(attribution.files[0].ranges[1].contributor == Contributor(type: .human))
        #expect(attribution.files[1].ranges[0].confidenceBasisPoints == 9500)
        #expect(attribution.totals == Totals(added: 25, deleted: 3, ai: 18, human: 2, mixed: 1))
    }

    @Test func signingTheVectorPayloadGivesTheVectorEnvelope() throws {
        let key = try SigningKey(text: try SpecVectors.text("attribution-v1/key.pem"), source: "key.pem")
        #expect(key.publicKey.fingerprint == (try SpecVectors.text("attribution-v1/keyid.txt")))
        let payload = Array(try SpecVectors.data("attribution-v1/statement.json"))
        let envelope = try Envelope.sign(payload: payload, with: key)
        #expect(envelope.preAuthenticationEncoding.hexString == (try SpecVectors.text("attribution-v1/pae.hex")))
        #expect(envelope.line == (try SpecVectors.text("attribution-v1/envelope.jsonl")))
        #expect(
            Envelope.recordDigest(ofLine: envelope.line) == (try SpecVectors.text("attribution-v1/record-digest.txt")))
    }
}
