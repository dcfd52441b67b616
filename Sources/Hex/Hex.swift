// Hex: lower-case hexadecimal, the one encoding of object ids, digests, key
// fingerprints' inputs and secrets that every module writes and reads.

package enum Hex {
    /// Whether `byte` is an ASCII hexadecimal digit (either case).
    @inlinable
    package static func isDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// The value of one hexadecimal digit, nil for anything else.
    @inlinable
    package static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }

    /// Lower-case digits for `bytes`, two per byte.
    package static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            digits.withUTF8Buffer { table in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = table[Int(byte >> 4)]
                    buffer[2 * index + 1] = table[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }

    /// The bytes `text` spells in either case; nil on odd length or a non-digit.
    package static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { digits -> [UInt8]? in
            guard digits.count % 2 == 0 else { return nil }
            var failed = false
            let bytes = [UInt8](unsafeUninitializedCapacity: digits.count / 2) { buffer, initialized in
                for index in 0..<digits.count / 2 {
                    guard let high = value(digits[2 * index]), let low = value(digits[2 * index + 1]) else {
                        failed = true
                        break
                    }
                    buffer[index] = high << 4 | low
                    initialized = index + 1
                }
            }
            return failed ? nil : bytes
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal rendering of the bytes.
    package var hexString: String {
        if let direct = withContiguousStorageIfAvailable({ Hex.encode(UnsafeRawBufferPointer($0)) }) { return direct }
        return Array(self).withUnsafeBytes(Hex.encode)
    }
}

extension Array where Element == UInt8 {
    /// Parses lower- or upper-case hexadecimal; nil on odd length or a non-hex digit.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self = bytes
    }
}
