import CanonicalJSON
import Foundation
import Signing
import Testing

@testable import Records

/// The verifier reads canonical envelope lines by position (`Envelope.parseCanonical`);
/// these tests hold it to exactly what the general JSON path accepts as canonical.
@Suite struct EnvelopeParsingTests {
    let key = try! SigningKey(seed: Array(repeating: 7, count: 32))

    @Test func fastPathAgreesWithTheGeneralParserOnSignedLines() throws {
        for length in [0, 1, 2, 3, 4, 5, 63, 64, 65, 1_000] {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let line = try Envelope.sign(payload: payload, with: key).line
            let fast = try #require(Envelope.parseCanonical(Array(line.utf8)[...]))
            let general = try Envelope(json: try JSONValue(parsing: line))
            #expect(fast == general)
            #expect(fast.payload == payload)
            #expect(try Envelope.parse(line: line).canonical)
        }
    }

    @Test func base64DecoderRefusesEveryNonCanonicalSpelling() {
        func decode(_ text: String) -> [UInt8]? { CanonicalBase64.decode(Array(text.utf8)[...]) }
        #expect(decode("") == [])
        #expect(decode("QQ==") == [0x41])
        #expect(decode("QUI=") == [0x41, 0x42])
        #expect(decode("QUJD") == [0x41, 0x42, 0x43])
        #expect(decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(decode("QR==") == nil, "pad bits set")
        #expect(decode("QUJ=") == nil, "pad bits set")
        #expect(decode("QQ") == nil, "padding missing")
        #expect(decode("Q===") == nil)
        #expect(decode("QQ=A") == nil, "padding inside")
        #expect(decode("QU I") == nil)
        #expect(decode("QUJD\n") == nil)
        #expect(decode("-_-_") == nil, "base64url alphabet")
        // A byte outside the alphabet anywhere in a long text, padded or not.
        let clean = Data((0..<48).map { UInt8($0) }).base64EncodedString()
        let padded = Data((0..<47).map { UInt8($0) }).base64EncodedString()
        #expect(decode(clean) == (0..<48).map { UInt8($0) })
        #expect(decode(padded) == (0..<47).map { UInt8($0) })
        for text in [clean, padded] {
            for position in 0..<text.count where Array(text)[position] != "=" {
                for intruder: Character in ["*", "\u{80}", "\n", "="] {
                    var characters = Array(text)
                    characters[position] = intruder
                    let variant = String(characters)
                    if intruder == "=" {
                        // Padding is refused, except where it makes the canonical text
                        // of shorter bytes: accepted text always re-encodes to itself.
                        #expect(
                            decode(variant).map { Data($0).base64EncodedString() == variant } ?? true,
                            "= at \(position)")
                        #expect(position >= text.count - 2 || decode(variant) == nil, "= at \(position)")
                    } else {
                        #expect(decode(variant) == nil, "\(intruder) at \(position)")
                    }
                }
            }
        }
    }

    @Test func nonCanonicalLinesLeaveTheFastPathAndAreJudgedByTheGeneralParser() throws {
        let line = try Envelope.sign(payload: Array("{}".utf8), with: key).line
        // A 64-byte signature ends in one byte and "==": the low bits of the character
        // before the padding are pad bits. Flip one, keeping the same decoded bytes.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(line)
        let padBitsAt = characters.count - 7  // …X=="}]}
        #expect(String(characters[(padBitsAt + 1)...]) == "==\"}]}")
        characters[padBitsAt] = alphabet[alphabet.firstIndex(of: characters[padBitsAt])! ^ 1]
        let variants = [
            String(characters),
            // An escaped character where the canonical form writes it as itself.
            line.replacingOccurrences(of: "\"keyid\":\"SHA256:", with: "\"keyid\":\"\\u0053HA256:"),
            // White space between members.
            line.replacingOccurrences(of: ",\"payloadType\"", with: ", \"payloadType\""),
        ]
        for variant in variants {
            #expect(variant != line)
            #expect(Envelope.parseCanonical(Array(variant.utf8)[...]) == nil, "\(variant)")
            if let parsed = try? Envelope.parse(line: variant) { #expect(!parsed.canonical, "\(variant)") }
        }
        // Members in another order are not the fixed layout either.
        let reordered = "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[]}"
        #expect(Envelope.parseCanonical(Array(reordered.utf8)[...]) == nil)
        #expect(throws: EnvelopeError.self) { try Envelope.parse(line: reordered) }
    }
}
