import Records
import TestSupport
import Testing
import Verification

/// The vector envelope (spec/vectors/attribution-v1) against the vector trust file.
@Suite struct SpecVectorVerificationTests {
    @Test func vectorEnvelopeVerifiesWithTheVectorTrustFile() throws {
        let trust = try AllowedSigners(
            text: try SpecVectors.text("attribution-v1/allowed_signers"), source: "allowed_signers")
        let envelope = try Envelope(line: try SpecVectors.text("attribution-v1/envelope.jsonl"))
        let key = try #require(trust.key(forKeyID: envelope.signatures[0].keyID))
        #expect(key.isValidSignature(envelope.signatures[0].bytes, for: envelope.preAuthenticationEncoding))
        #expect(
            trust.decide(keyID: envelope.signatures[0].keyID, email: "vectors@example.com", at: 1_767_323_100)
                == .trusted(line: 1))
    }
}
