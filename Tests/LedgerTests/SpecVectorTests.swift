import Foundation
import Ledger
import Signing
import Testing

/// The implementation against spec/vectors/, which an independent implementation
/// (spec/vectors/generate.py) produced.
@Suite struct SpecVectorTests {
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("spec/vectors")

    func vector(_ name: String) throws -> Data {
        try Data(contentsOf: SpecVectorTests.vectors.appendingPathComponent(name))
    }

    func vectorText(_ name: String) throws -> String {
        String(decoding: try vector(name), as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    @Test func canonicalJSONVectors() throws {
        let document = try JSONSerialization.jsonObject(with: try vector("canonical-json.json")) as! [String: [[String: String]]]
        for case_ in document["canonical"]! {
            let parsed = try JSONValue(parsing: case_["input"]!)
            #expect(parsed.canonicalString == case_["output"]!, "input \(case_["input"]!)")
            // The one-pass check agrees with serialising again, both ways.
            #expect(try JSONValue.parseCheckingCanonical(Array(case_["input"]!.utf8)).canonical == (case_["input"]! == case_["output"]!))
            #expect(try JSONValue.parseCheckingCanonical(Array(case_["output"]!.utf8)).canonical)
        }
        for text in [#""\u0041""#, #""\u001F""#, #""\u0009""#, #"-0"#, #"{"b":1,"a":2}"#, #"[1, 2]"#, #""a\/b""#] {
            #expect(try JSONValue.parseCheckingCanonical(Array(text.utf8)).canonical == false, "\(text)")
        }
        for case_ in document["rejected"]! {
            #expect(throws: JSONParseError.self, "\(case_["why"]!)") { try JSONValue(parsing: case_["input"]!) }
        }
    }

    @Test func statementDecodesAndReencodesToTheSameBytes() throws {
        let payload = Array(try vector("attribution-v1/statement.json"))
        let statement = try Statement(payload: payload)
        #expect(statement.json.canonicalBytes == payload)
        let attribution = try #require(statement.attribution)
        #expect(statement.commit == "0123456789abcdef0123456789abcdef01234567")
        #expect(attribution.files.map(\.path) == ["src/app.swift", "tests/café \"quoted\".txt"])
        #expect(attribution.files[0].ranges[0].contributor == Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5"))
        #expect(attribution.files[0].ranges[1].contributor == Contributor(type: .human))
        #expect(attribution.files[1].ranges[0].confidenceBasisPoints == 9500)
        #expect(attribution.totals == Totals(added: 25, deleted: 3, ai: 18, human: 2, mixed: 1))
    }

    @Test func signingTheVectorPayloadGivesTheVectorEnvelope() throws {
        let key = try SigningKey(text: try vectorText("attribution-v1/key.pem"), source: "key.pem")
        #expect(key.publicKey.fingerprint == (try vectorText("attribution-v1/keyid.txt")))
        let payload = Array(try vector("attribution-v1/statement.json"))
        let envelope = try Envelope.sign(payload: payload, with: key)
        #expect(envelope.preAuthenticationEncoding.hexString == (try vectorText("attribution-v1/pae.hex")))
        #expect(envelope.line == (try vectorText("attribution-v1/envelope.jsonl")))
        #expect(Envelope.recordDigest(ofLine: envelope.line) == (try vectorText("attribution-v1/record-digest.txt")))
    }

    @Test func vectorEnvelopeVerifiesWithTheVectorTrustFile() throws {
        let trust = try AllowedSigners(text: try vectorText("attribution-v1/allowed_signers"), source: "allowed_signers")
        let envelope = try Envelope(line: try vectorText("attribution-v1/envelope.jsonl"))
        let key = try #require(trust.key(forKeyID: envelope.signatures[0].keyID))
        #expect(key.isValidSignature(envelope.signatures[0].bytes, for: envelope.preAuthenticationEncoding))
        #expect(trust.decide(keyID: envelope.signatures[0].keyID, email: "vectors@example.com", at: 1_767_323_100) == .trusted(line: 1))
    }
}
