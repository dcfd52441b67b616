import Diagnostics
import Foundation

/// Why a text is not acceptable JSON for a record.
package struct JSONParseError: UserFacingError, Equatable {
    package let message: String
    package let offset: Int
    package var description: String { "\(message) at byte \(offset)" }
}

/// A JSON document parsed strictly (spec/records.md §2) into a flat list of its values
/// in document order, pointing into the bytes instead of copying them: the one parser
/// behind `JSONValue(parsing:)`, and what statements are decoded from without building
/// a tree of strings, arrays and objects first.
///
/// An object is its entry, then each member's key (a string entry) and value; an
/// array is its entry, then its elements. A container's `end` is the index after its
/// last entry, so a reader skips a value in one step.
package final class JSONTape {
    package enum Kind: UInt8 { case null, boolean, integer, string, array, object }

    package struct Entry {
        package var kind: Kind
        /// Booleans: the value. Strings: whether the text holds escapes to decode.
        package var flag = false
        /// Strings: the text between the quotes, as byte offsets.
        package var start: Int32 = 0
        /// Strings: the closing quote's offset. Containers: the index after their last entry.
        package var end: Int32 = 0
        /// Containers: how many members or elements.
        package var count: Int32 = 0
        package var integer: Int64 = 0

        package var isContainer: Bool { kind == .array || kind == .object }
    }

    package let bytes: [UInt8]
    package let entries: [Entry]
    /// Whether the bytes are exactly what the canonical serialiser writes for the value.
    package let canonical: Bool

    package static let maxDepth = 64

    /// Parses JSON strictly: rejects duplicate keys, fractions and exponents, integers
    /// outside ±(2^53-1), invalid UTF-8, lone surrogates and trailing data. White
    /// space and member order are accepted but make `canonical` false.
    package init(parsing bytes: [UInt8]) throws {
        guard bytes.count < Int(Int32.max) else {
            throw JSONParseError(message: "document larger than 2 GB", offset: 0)
        }
        self.bytes = bytes
        var parser = Parser()
        try bytes.withUnsafeBufferPointer { buffer in
            try parser.parseDocument(buffer)
        }
        entries = parser.entries
        canonical = parser.canonical
    }

    /// The index of the entry after the value at `index` (and everything inside it).
    package func next(after index: Int) -> Int { JSONTape.next(after: index, in: entries) }

    package static func next(after index: Int, in entries: [Entry]) -> Int {
        entries[index].isContainer ? Int(entries[index].end) : index + 1
    }

    /// The UTF-8 text of a string entry: its bytes, or with escapes their decoding
    /// (validated while parsing, so decoding again cannot fail).
    package static func text(of entry: Entry, in bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard entry.flag else { return Array(bytes[Int(entry.start)..<Int(entry.end)]) }
        return (try? Parser.decodeEscapedString(bytes, from: Int(entry.start)).decoded) ?? []
    }

    /// The UTF-8 bytes of the string at `index`, escapes decoded.
    package func stringBytes(at index: Int) -> ArraySlice<UInt8> {
        let entry = entries[index]
        guard entry.flag else { return bytes[Int(entry.start)..<Int(entry.end)] }
        return bytes.withUnsafeBufferPointer { JSONTape.text(of: entry, in: $0)[...] }
    }

    package func string(at index: Int) -> String {
        String(decoding: stringBytes(at: index), as: UTF8.self)
    }

    /// Whether the string at `index` is `name`, compared as bytes.
    package func string(at index: Int, equals name: StaticString) -> Bool {
        let entry = entries[index]
        let count = name.utf8CodeUnitCount
        guard entry.flag else {
            guard Int(entry.end - entry.start) == count else { return false }
            // Member names are short: a loop beats a call to memcmp.
            return bytes.withUnsafeBufferPointer { buffer in
                let text = buffer.baseAddress! + Int(entry.start)
                for offset in 0..<count where name.utf8Start[offset] != text[offset] { return false }
                return true
            }
        }
        return stringBytes(at: index).elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: count))
    }

    /// The value at `index` as a tree.
    package func value(at index: Int) -> JSONValue {
        let entry = entries[index]
        switch entry.kind {
        case .null: return .null
        case .boolean: return .bool(entry.flag)
        case .integer: return .integer(entry.integer)
        case .string: return .string(string(at: index))
        case .array:
            var values = [JSONValue]()
            values.reserveCapacity(Int(entry.count))
            var element = index + 1
            while element < Int(entry.end) {
                values.append(value(at: element))
                element = next(after: element)
            }
            return .array(values)
        case .object:
            var members = [JSONObject.Member]()
            members.reserveCapacity(Int(entry.count))
            var key = index + 1
            while key < Int(entry.end) {
                members.append((string(at: key), value(at: key + 1)))
                key = next(after: key + 1)
            }
            return .object(JSONObject(uniqueMembers: members))
        }
    }

    private struct Parser {
        var entries: [Entry] = []
        var offset = 0
        var depth = 0
        var canonical = true

        init() { entries.reserveCapacity(64) }

        func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: offset) }

        mutating func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            skipWhitespace(bytes)
            try parseValue(bytes)
            skipWhitespace(bytes)
            guard offset == bytes.count else { throw fail("unexpected data after the JSON value") }
        }

        mutating func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) {
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

        mutating func parseValue(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            guard offset < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): try parseObject(bytes)
            case UInt8(ascii: "["): try parseArray(bytes)
            case UInt8(ascii: "\""): try parseString(bytes)
            case UInt8(ascii: "t"): try expectLiteral("true", bytes); entries.append(Entry(kind: .boolean, flag: true))
            case UInt8(ascii: "f"):
                try expectLiteral("false", bytes); entries.append(Entry(kind: .boolean, flag: false))
            case UInt8(ascii: "n"): try expectLiteral("null", bytes); entries.append(Entry(kind: .null))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                entries.append(Entry(kind: .integer, integer: try parseInteger(bytes)))
            default: throw fail("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString, _ bytes: UnsafeBufferPointer<UInt8>) throws {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - offset >= count, memcmp(literal.utf8Start, bytes.baseAddress! + offset, count) == 0
            else {
                throw fail("invalid literal")
            }
            offset += count
        }

        mutating func enter() throws {
            depth += 1
            guard depth <= JSONTape.maxDepth else { throw fail("nesting deeper than \(JSONTape.maxDepth)") }
        }

        /// The bytes a key compares by: code point order is UTF-8 byte order.
        func keyBytes(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
            JSONTape.text(of: entries[index], in: bytes)
        }

        func keyPrecedes(_ a: Int, _ b: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let first = entries[a], second = entries[b]
            guard !first.flag && !second.flag else {
                return keyBytes(a, bytes).lexicographicallyPrecedes(keyBytes(b, bytes))
            }
            let firstCount = Int(first.end - first.start), secondCount = Int(second.end - second.start)
            let order = memcmp(
                bytes.baseAddress! + Int(first.start), bytes.baseAddress! + Int(second.start),
                min(firstCount, secondCount))
            return order < 0 || (order == 0 && firstCount < secondCount)
        }

        /// Parses `{…}` or `[…]`: its entry, then each item `parseItem` reads (a member,
        /// or an element), then its count and end in the entry.
        mutating func parseContainer(
            _ kind: Kind, closedBy closing: UInt8, _ bytes: UnsafeBufferPointer<UInt8>,
            parseItem: (inout Parser) throws -> Void
        ) throws {
            try enter()
            defer { depth -= 1 }
            offset += 1
            let containerIndex = entries.count
            entries.append(Entry(kind: kind))
            var count: Int32 = 0
            skipWhitespace(bytes)
            if offset < bytes.count, bytes[offset] == closing {
                offset += 1
                entries[containerIndex].end = Int32(entries.count)
                return
            }
            while true {
                skipWhitespace(bytes)
                try parseItem(&self)
                count += 1
                skipWhitespace(bytes)
                guard offset < bytes.count else { throw fail("unexpected end of input") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == closing {
                    offset += 1
                    entries[containerIndex].count = count
                    entries[containerIndex].end = Int32(entries.count)
                    return
                }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
            }
        }

        mutating func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            let objectIndex = entries.count
            // Keys in canonical order cannot repeat unless equal to the one before; keys
            // out of order are checked against all seen so far.
            var seen: Set<[UInt8]>?
            var previousKey: Int?
            try parseContainer(.object, closedBy: UInt8(ascii: "}"), bytes) { parser in
                guard parser.offset < bytes.count, bytes[parser.offset] == UInt8(ascii: "\"") else {
                    throw parser.fail("expected a member name")
                }
                let keyOffset = parser.offset
                let key = parser.entries.count
                try parser.parseString(bytes)
                if let previousKey, !parser.keyPrecedes(previousKey, key, bytes) {
                    parser.canonical = false
                    if seen == nil {
                        seen = []
                        var member = objectIndex + 1
                        while member < key {
                            seen!.insert(parser.keyBytes(member, bytes))
                            member = JSONTape.next(after: member + 1, in: parser.entries)
                        }
                    }
                }
                previousKey = key
                // (An equal key is out of order too, so it always reaches the set.)
                if seen != nil {
                    let name = parser.keyBytes(key, bytes)
                    guard seen!.insert(name).inserted else {
                        throw JSONParseError(
                            message: "duplicate member \"\(String(decoding: name, as: UTF8.self))\"", offset: keyOffset)
                    }
                }
                parser.skipWhitespace(bytes)
                guard parser.offset < bytes.count, bytes[parser.offset] == UInt8(ascii: ":") else {
                    throw parser.fail("expected ':'")
                }
                parser.offset += 1
                parser.skipWhitespace(bytes)
                try parser.parseValue(bytes)
            }
        }

        mutating func parseArray(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            try parseContainer(.array, closedBy: UInt8(ascii: "]"), bytes) { try $0.parseValue(bytes) }
        }

        mutating func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Int64 {
            let start = offset
            if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let digitsStart = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            let digitCount = offset - digitsStart
            guard digitCount > 0 else { throw fail("invalid number") }
            if offset < bytes.count,
                bytes[offset] == UInt8(ascii: ".") || bytes[offset] == UInt8(ascii: "e")
                    || bytes[offset] == UInt8(ascii: "E")
            {
                throw fail("fractional or exponent numbers are not allowed")
            }
            guard !(digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0")) else {
                throw fail("leading zero in number")
            }
            guard digitCount <= 16 else { throw fail("integer outside ±(2^53-1)") }
            var magnitude: Int64 = 0
            for index in digitsStart..<offset { magnitude = magnitude * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            guard magnitude <= JSONValue.maxSafeInteger else { throw fail("integer outside ±(2^53-1)") }
            let value = digitsStart > start ? -magnitude : magnitude
            if value == 0 && bytes[start] == UInt8(ascii: "-") { canonical = false }  // "-0" is written "0"
            return value
        }

        mutating func parseString(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            offset += 1
            let start = offset
            // Fast path: up to the next quote, no backslash and no control character.
            if let quote = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "\"")), bytes.count - start) {
                let end = UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(quote))
                let flags = Parser.plainTextFlags(bytes, start..<end)
                if flags & 1 == 0 {
                    if flags & 2 != 0,
                        String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) == nil
                    {
                        throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
                    }
                    entries.append(Entry(kind: .string, start: Int32(start), end: Int32(end)))
                    offset = end + 1
                    return
                }
            }
            // Otherwise an escape, a control character or no closing quote: the decoder
            // reads the escapes and reports the errors.
            let (end, _, canonicalEscapes) = try Parser.decodeEscapedString(bytes, from: start)
            if !canonicalEscapes { canonical = false }
            entries.append(Entry(kind: .string, flag: true, start: Int32(start), end: Int32(end)))
            offset = end + 1
        }

        /// Bit 0: the bytes hold a backslash or a control character; bit 1: a byte
        /// outside ASCII. Eight bytes at a time (SWAR): strings are most of a record.
        static func plainTextFlags(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt8 {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            var special: UInt64 = 0, high: UInt64 = 0
            var index = range.lowerBound
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            while index + 8 <= range.upperBound {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                high |= word
                // A byte below 0x20, or a byte equal to 0x5C: the classic "has less
                // than" and "has zero" tests, exact for ASCII bytes (the others are
                // flagged by `high` anyway).
                let backslashes = word ^ (ones &* 0x5C)
                special |= (word &- ones &* 0x20) & ~word & highs
                special |= (backslashes &- ones) & ~backslashes & highs
                index += 8
            }
            var flags: UInt8 = 0
            while index < range.upperBound {
                let byte = bytes[index]
                flags |= (byte < 0x20 || byte == UInt8(ascii: "\\") ? 1 : 0) | (byte >> 7) << 1
                index += 1
            }
            if special != 0 { flags |= 1 }
            if high & highs != 0 { flags |= 2 }
            return flags
        }

        /// Where the run of plain string bytes from `offset` ends: at the first control
        /// character, quote or backslash (or the end). Eight bytes are tested at a time
        /// (each test exact: a word passes only when none of its bytes ends the run),
        /// the last word byte by byte: an editor's payload is mostly such runs.
        static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int {
            var end = offset
            if let base = bytes.baseAddress {
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highBits: UInt64 = 0x8080_8080_8080_8080
                /// Whether some byte of `word` is zero.
                func hasZeroByte(_ word: UInt64) -> Bool { (word &- ones) & ~word & highBits != 0 }
                while end + 8 <= bytes.count {
                    let word = UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)
                    let control = (word &- ones &* 0x20) & ~word & highBits != 0  // a byte below 0x20
                    if control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C)) { break }
                    end += 8
                }
            }
            while end < bytes.count, bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\""),
                bytes[end] != UInt8(ascii: "\\")
            {
                end += 1
            }
            return end
        }

        /// Decodes the string whose text starts at `start`: its closing quote's offset,
        /// its UTF-8 bytes, and whether every escape is the one the canonical form uses.
        static func decodeEscapedString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws
            -> (end: Int, decoded: [UInt8], canonical: Bool)
        {
            var decoded = [UInt8]()
            var canonical = true
            var offset = start
            decoded.reserveCapacity(min(bytes.count - start, 1 << 16))
            func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: offset) }
            func hex4() throws -> UInt32 {
                guard bytes.count - offset >= 4 else { throw fail("invalid \\u escape") }
                var value: UInt32 = 0
                for _ in 0..<4 {
                    let byte = bytes[offset]
                    let digit: UInt32
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                    case UInt8(ascii: "A")...UInt8(ascii: "F"):
                        digit = UInt32(byte - UInt8(ascii: "A") + 10)
                        canonical = false  // the canonical form writes lower-case hex
                    default: throw fail("invalid \\u escape")
                    }
                    value = value << 4 | digit
                    offset += 1
                }
                return value
            }
            func escape() throws -> Unicode.Scalar {
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
                    let high = try hex4()
                    // Canonical only for a control character without a short escape.
                    if high >= 0x20 || [0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(high) { canonical = false }
                    if (0xD800..<0xDC00).contains(high) {
                        guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"),
                            bytes[offset + 1] == UInt8(ascii: "u")
                        else {
                            throw fail("lone surrogate in string")
                        }
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("lone surrogate in string") }
                        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                    }
                    guard let scalar = Unicode.Scalar(high) else { throw fail("lone surrogate in string") }
                    return scalar
                default:
                    throw fail("invalid escape")
                }
            }
            while offset < bytes.count {
                // A run of plain bytes is copied at once: a file's text in an editor's
                // payload has an escape on every line, and bytes between them.
                let runEnd = plainRunEnd(bytes, from: offset)
                if runEnd > offset {
                    decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[offset..<runEnd]))
                    offset = runEnd
                    continue
                }
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "\""):
                    guard String(validating: decoded, as: UTF8.self) != nil else {
                        throw JSONParseError(message: "invalid UTF-8 in string", offset: start)
                    }
                    return (offset, decoded, canonical)
                case UInt8(ascii: "\\"):
                    offset += 1
                    let scalar = try escape()
                    if scalar.isASCII {
                        decoded.append(UInt8(scalar.value))
                    } else {
                        UTF8.encode(scalar) { decoded.append($0) }
                    }
                default:  // below 0x20
                    throw fail("unescaped control character in string")
                }
            }
            throw fail("unterminated string")
        }
    }
}
