/// Standard base64 with padding (RFC 4648 §4) in the one form an encoder writes:
/// decoding refuses anything else (other characters, missing padding, non-zero pad
/// bits), so text it accepts re-encodes to itself. Used on the verifier's fast path,
/// where a canonical envelope must not need a second encoding pass to prove it.
enum CanonicalBase64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 == 0 else { return nil }
        if count == 0 { return [] }
        return text.withUnsafeBufferPointer { input -> [UInt8]? in
            let padding = input[count - 1] == UInt8(ascii: "=") ? (input[count - 2] == UInt8(ascii: "=") ? 2 : 1) : 0
            let outputCount = count / 4 * 3 - padding
            var failed = false
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                values.withUnsafeBufferPointer { table in
                    var out = 0
                    var index = 0
                    while index < count {
                        let last = index + 4 == count
                        let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                        let c = last && padding == 2 ? 0 : table[Int(input[index + 2])]
                        let d = last && padding >= 1 ? 0 : table[Int(input[index + 3])]
                        if (a | b | c | d) & 0xC0 != 0 { failed = true; break }
                        let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        if last && padding > 0 {
                            // The bits the padding stands for must be zero.
                            if group & (padding == 2 ? 0xFFFF : 0xFF) != 0 { failed = true; break }
                            buffer[out] = UInt8(group >> 16)
                            if padding == 1 { buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 8) }
                            out += 3 - padding
                        } else {
                            buffer[out] = UInt8(group >> 16)
                            buffer[out + 1] = UInt8(truncatingIfNeeded: group >> 8)
                            buffer[out + 2] = UInt8(truncatingIfNeeded: group)
                            out += 3
                        }
                        index += 4
                    }
                    initialized = failed ? 0 : out
                }
            }
            return failed ? nil : output
        }
    }
}
