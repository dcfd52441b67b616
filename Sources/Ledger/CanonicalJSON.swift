/// A JSON value as SessionTrace records use it: integers only, never floats
/// (spec/records.md §2).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The largest magnitude an integer may have, so that every JSON reader
    /// (including IEEE-754 doubles) reads it exactly.
    public static let maxSafeInteger: Int64 = (1 << 53) - 1

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
}

// MARK: - Canonical serialisation

extension JSONValue {
    /// The canonical bytes of this value (spec/records.md §2).
    public var canonicalBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    public var canonicalString: String { String(decoding: canonicalBytes, as: UTF8.self) }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .integer(let value):
            precondition(abs(value) <= JSONValue.maxSafeInteger, "integer \(value) is outside the canonical JSON range")
            out += Array(String(value).utf8)
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.sorted(by: { JSONValue.codePointOrder($0.key, $1.key) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Orders keys by Unicode code point, which for UTF-8 is byte order.
    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (base64, hashes, paths) need no escaping: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x00..<0x20:
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

// MARK: - Strict parser

/// Why a text is not acceptable JSON for a record.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

extension JSONValue {
    /// Parses JSON strictly: rejects duplicate keys, fractions and exponents,
    /// integers outside ±(2^53-1), invalid UTF-8, lone surrogates and trailing data.
    /// White space and member order are accepted; compare `canonicalBytes` with the
    /// input to check canonical form.
    public init<Bytes: Collection>(parsing bytes: Bytes) throws where Bytes.Element == UInt8 {
        var parser = StrictJSONParser(Array(bytes))
        self = try parser.parseDocument()
    }

    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses as `init(parsing:)` does and tells, in the same pass, whether the input
    /// was already in canonical form: `canonical` equals `value.canonicalBytes == bytes`
    /// without serialising again.
    public static func parseCheckingCanonical(_ bytes: [UInt8]) throws -> (value: JSONValue, canonical: Bool) {
        var parser = StrictJSONParser(bytes)
        let value = try parser.parseDocument()
        return (value, parser.canonical)
    }
}

private struct StrictJSONParser {
    let bytes: [UInt8]
    var offset = 0
    var depth = 0
    /// Stays true while everything read is exactly as the canonical serialiser writes it.
    var canonical = true
    static let maxDepth = 64

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: offset) }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard offset == bytes.count else { throw fail("unexpected data after the JSON value") }
        return value
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D:
                offset += 1
                canonical = false
            default:
                return
            }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        guard offset < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try parseInteger())
        default: throw fail("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: String) throws {
        let expected = Array(literal.utf8)
        guard bytes.count - offset >= expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
            throw fail("invalid literal")
        }
        offset += expected.count
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= StrictJSONParser.maxDepth else { throw fail("nesting deeper than \(StrictJSONParser.maxDepth)") }
    }

    mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        offset += 1
        var members = [JSONObject.Member]()
        // Keys in canonical order cannot repeat unless equal to the one before; keys
        // out of order are checked against all seen so far.
        var seen: Set<String>?
        var previousKey: String?
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(JSONObject(uniqueMembers: members)) }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let keyOffset = offset
            let key = try parseString()
            if let previousKey, !JSONValue.codePointOrder(previousKey, key) {
                canonical = false
                if seen == nil { seen = Set(members.map(\.key)) }
            }
            previousKey = key
            // (An equal key is out of order too, so it always reaches the set.)
            guard seen?.insert(key).inserted ?? true else {
                throw JSONParseError(message: "duplicate member \"\(key)\"", offset: keyOffset)
            }
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            offset += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard offset < bytes.count else { throw fail("unexpected end of input") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(JSONObject(uniqueMembers: members)) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        offset += 1
        var values = [JSONValue]()
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(values) }
        while true {
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard offset < bytes.count else { throw fail("unexpected end of input") }
            if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
            if bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(values) }
            throw fail("expected ',' or ']'")
        }
    }

    mutating func parseInteger() throws -> Int64 {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let digitsStart = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
        let digitCount = offset - digitsStart
        guard digitCount > 0 else { throw fail("invalid number") }
        if offset < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[offset]) {
            throw fail("fractional or exponent numbers are not allowed")
        }
        guard !(digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else { throw fail("leading zero in number") }
        guard digitCount <= 16 else { throw fail("integer outside ±(2^53-1)") }
        var magnitude: Int64 = 0
        for digit in bytes[digitsStart..<offset] { magnitude = magnitude * 10 + Int64(digit - UInt8(ascii: "0")) }
        guard magnitude <= JSONValue.maxSafeInteger else { throw fail("integer outside ±(2^53-1)") }
        let value = digitsStart > start ? -magnitude : magnitude
        if value == 0 && bytes[start] == UInt8(ascii: "-") { canonical = false }  // "-0" is written "0"
        return value
    }

    mutating func parseString() throws -> String {
        offset += 1
        let start = offset
        // Fast path: no escapes, validated as UTF-8 in one go (nothing to validate when ASCII).
        var ascii = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                if ascii {
                    offset += 1
                    return String(decoding: bytes[start..<offset - 1], as: UTF8.self)
                }
                guard let text = String(validating: bytes[start..<offset], as: UTF8.self) else {
                    throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
                }
                offset += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("unescaped control character in string") }
            if byte >= 0x80 { ascii = false }
            offset += 1
        }
        // Slow path: decode escapes into UTF-8 bytes, then validate the whole.
        var decoded = Array(bytes[start..<offset])
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
                }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                decoded.append(contentsOf: Array(String(try parseEscape()).utf8))
            case 0x00..<0x20:
                throw fail("unescaped control character in string")
            default:
                decoded.append(byte)
                offset += 1
            }
        }
        throw fail("unterminated string")
    }

    mutating func parseEscape() throws -> Unicode.Scalar {
        guard offset < bytes.count else { throw fail("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"):
            canonical = false  // written as itself
            return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let digits = bytes[offset..<min(offset + 4, bytes.count)]
            let high = try parseHex4()
            // Canonical only for a control character without a short escape, in lower-case hex.
            if high >= 0x20 || [0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(high) || digits.contains(where: { $0 >= 65 && $0 <= 70 }) {
                canonical = false
            }
            if (0xD800..<0xDC00).contains(high) {
                guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw fail("lone surrogate in string")
                }
                offset += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate in string") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("lone surrogate in string") }
            return scalar
        default:
            throw fail("invalid escape")
        }
    }

    mutating func parseHex4() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }
}
