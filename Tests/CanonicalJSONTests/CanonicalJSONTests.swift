import CanonicalJSON
import Foundation
import TestSupport
import Testing

@Suite struct CanonicalJSONTests {
    /// Strings are scanned eight bytes at a time: whatever the position of a quote,
    /// backslash, control character or multi-byte character relative to those words
    /// (every offset of every kind, in strings of 0 to 40 bytes and in one of 50 KB),
    /// the tape decodes what Foundation's parser does, and refuses what it refuses.
    @Test func stringsDecodeAsFoundationsWhereverTheirEscapesFall() throws {
        let specials = ["\\n", "\\\"", "\\\\", "\\u0007", "é", "\u{1F600}", "\\ud83d\\ude00", "\\/"]
        var texts = [String]()
        for length in 0...40 {
            for special in specials {
                for at in stride(from: 0, through: length, by: max(1, length / 9)) {
                    let plain = (0..<length).map { String(UnicodeScalar(UInt8(97 + ($0 % 26)))) }
                    texts.append((plain[..<at] + [special] + plain[at...]).joined())
                }
            }
        }
        var random = SplitMix(state: 11)
        texts.append(
            (0..<10_000).map { _ in random.next(0...9) == 0 ? specials[random.next(0...7)] : "abcde" }.joined())
        for text in texts {
            let json = Array("[\"\(text)\"]".utf8)
            let expected = (try JSONSerialization.jsonObject(with: Data(json)) as? [String])?.first
            let tape = try JSONTape(parsing: json)
            #expect(tape.string(at: 1) == expected, "\(text.prefix(60))")
        }
        // A raw control character or an unterminated string, at any offset: refused.
        for length in 0...20 {
            for bad in ["\u{1}", "\n", "\u{1F}"] {
                let plain = String(repeating: "x", count: length)
                #expect(throws: JSONParseError.self) { try JSONTape(parsing: Array("[\"\(plain)\(bad)x\"]".utf8)) }
            }
            #expect(throws: JSONParseError.self) {
                try JSONTape(parsing: Array("[\"\(String(repeating: "y", count: length))".utf8))
            }
        }
    }

    @Test func serialisationSortsKeysAndEscapesMinimally() {
        let value = JSONValue.object([
            "z": .array([.integer(-3), .bool(false), .null]),
            "a": .string("line\nbreak \"q\" é / \u{7}"),
        ])
        #expect(value.canonicalString == #"{"a":"line\nbreak \"q\" é / \u0007","z":[-3,false,null]}"#)
    }

    @Test func parseThenSerialiseIsIdentityOnCanonicalText() throws {
        let text = #"{"a":{"b":[1,2,3],"c":"d"},"e":-9007199254740991}"#
        #expect(try JSONValue(parsing: text).canonicalString == text)
    }

    @Test func duplicateMembersAreFoundInAnyOrder() {
        for text in [
            #"{"a":1,"a":2}"#, #"{"b":1,"a":2,"b":3}"#, #"{"a":1,"c":2,"b":3,"a":4}"#, #"{"a":{"x":1,"x":1}}"#,
        ] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONValue(parsing: text) }
        }
        // Out of order but unique: accepted, and not canonical.
        let parsed = try? JSONValue.parseCheckingCanonical(Array(#"{"b":1,"a":2}"#.utf8))
        #expect(parsed?.value == .object(["a": .integer(2), "b": .integer(1)]))
        #expect(parsed?.canonical == false)
    }

    @Test func objectsCompareAsSetsOfMembers() {
        var object: JSONObject = ["a": .integer(1), "b": .null]
        #expect(object == ["b": .null, "a": .integer(1)])
        object["a"] = nil
        object["c"] = .bool(true)
        #expect(object.keys == ["b", "c"] && object.count == 2)
        #expect(object != ["b": .null])
        #expect(JSONValue.object(object).canonicalString == #"{"b":null,"c":true}"#)
    }

    @Test func deepNestingIsRejectedInsteadOfCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }

    @Test func everyByteOfAStringIsChecked() throws {
        // Strings are scanned eight bytes at a time: put each kind of byte that needs
        // care at every offset of a string longer than two words.
        let plain = Array("abcdefghijklmnopqrstuvw".utf8)
        for offset in plain.indices {
            func document(_ inserted: [UInt8]) -> [UInt8] {
                var text = plain
                text.replaceSubrange(offset...offset, with: inserted)
                return Array("[\"".utf8) + text + Array("\"]".utf8)
            }
            #expect(throws: JSONParseError.self, "control at \(offset)") { try JSONValue(parsing: document([0x01])) }
            #expect(throws: JSONParseError.self, "bad UTF-8 at \(offset)") { try JSONValue(parsing: document([0xC3])) }
            var expected = String(decoding: plain, as: UTF8.self)
            expected.replaceSubrange(
                expected.index(
                    expected.startIndex, offsetBy: offset)...expected.index(expected.startIndex, offsetBy: offset),
                with: "é")
            #expect(try JSONValue(parsing: document([0xC3, 0xA9])) == .array([.string(expected)]))
            expected = String(decoding: plain, as: UTF8.self)
            expected.replaceSubrange(
                expected.index(
                    expected.startIndex, offsetBy: offset)...expected.index(expected.startIndex, offsetBy: offset),
                with: "\"")
            let escaped = try JSONValue.parseCheckingCanonical(document(Array(#"\""#.utf8)))
            #expect(escaped.value == .array([.string(expected)]) && escaped.canonical, "escape at \(offset)")
        }
    }

    @Test func keysAreComparedByTheirDecodedText() throws {
        // An escaped key is the same key: a duplicate, and in its place in the order.
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #"{"a":1,"\u0061":2}"#) }
        let parsed = try JSONValue.parseCheckingCanonical(Array(#"{"\u0061":1,"b":2}"#.utf8))
        #expect(parsed.value == .object(["a": .integer(1), "b": .integer(2)]))
        #expect(!parsed.canonical, "the canonical form writes a as itself")
    }

    /// Mutated records (bytes dropped, inserted, replaced): whatever the parser accepts
    /// serialises to text it accepts as the same value, and `canonical` says exactly
    /// whether the input was that text (spec/records.md §2).
    @Test func canonicalFlagMatchesReserialisingOnMutatedRecords() throws {
        let seed = Array(try SpecVectors.data("attribution-v1/statement.json"))
        let alphabet =
            Array(#"{}[]:,"\u0123456789abcdefABCDEF-.eE tnrfl/"#.utf8) + [
                0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x0a,
            ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift: the same cases every run
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0...next(3) {
                let at = next(bytes.count)
                switch next(3) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
                default: bytes[at] = alphabet[next(alphabet.count)]
                }
            }
            guard let parsed = try? JSONValue.parseCheckingCanonical(bytes) else { continue }
            accepted += 1
            let canonical = parsed.value.canonicalBytes
            #expect(parsed.canonical == (canonical == bytes), "\(String(decoding: bytes, as: UTF8.self))")
            let again = try JSONValue.parseCheckingCanonical(canonical)
            #expect(again.value == parsed.value && again.canonical)
        }
        #expect(accepted > 1_000, "the mutations should leave many documents valid")
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xff, 0xfe, 0x22]) }
    }
}
