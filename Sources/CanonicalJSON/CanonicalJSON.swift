// CanonicalJSON: spec/records.md §2. The strict JSON parser (a flat tape), the
// canonical serialiser and strict base64. No git and no crypto: the spec's vectors
// test it alone.

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
    package static let maxSafeInteger: Int64 = (1 << 53) - 1

    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    package var objectValue: JSONObject? {
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
    package static func codePointOrder(_ a: String, _ b: String) -> Bool {
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

extension JSONValue {
    /// Parses JSON strictly: rejects duplicate keys, fractions and exponents,
    /// integers outside ±(2^53-1), invalid UTF-8, lone surrogates and trailing data.
    /// White space and member order are accepted; compare `canonicalBytes` with the
    /// input to check canonical form.
    package init<Bytes: Collection>(parsing bytes: Bytes) throws where Bytes.Element == UInt8 {
        self = try JSONValue.parseCheckingCanonical(Array(bytes)).value
    }

    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses as `init(parsing:)` does and tells, in the same pass, whether the input
    /// was already in canonical form: `canonical` equals `value.canonicalBytes == bytes`
    /// without serialising again.
    package static func parseCheckingCanonical(_ bytes: [UInt8]) throws -> (value: JSONValue, canonical: Bool) {
        let tape = try JSONTape(parsing: bytes)
        return (tape.value(at: 0), tape.canonical)
    }
}
