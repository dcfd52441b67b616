/// Standard base64 with padding (RFC 4648 §4) in the one form an encoder writes:
/// decoding refuses anything else (other characters, missing padding, non-zero pad
/// bits), so text it accepts re-encodes to itself. Used on the verifier's fast path,
/// where a canonical envelope must not need a second encoding pass to prove it.
package enum CanonicalBase64 {
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    package static func decode(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        text.withUnsafeBufferPointer { decode($0) }
    }

    package static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        guard count % 4 == 0 else { return nil }
        if count == 0 { return [] }
        let padding = input[count - 1] == UInt8(ascii: "=") ? (input[count - 2] == UInt8(ascii: "=") ? 2 : 1) : 0
        let outputCount = count / 4 * 3 - padding
        let groups = count / 4 - (padding > 0 ? 1 : 0)
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            values.withUnsafeBufferPointer { table in
                // Bytes outside the alphabet map to 0xFF: or-ing every value and
                // checking the top bits once spares a branch per group.
                var seen: UInt8 = 0
                for group in 0..<groups {
                    let a = table[Int(input[group * 4])], b = table[Int(input[group * 4 + 1])]
                    let c = table[Int(input[group * 4 + 2])], d = table[Int(input[group * 4 + 3])]
                    seen |= a | b | c | d
                    let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[group * 3] = UInt8(truncatingIfNeeded: bits >> 16)
                    buffer[group * 3 + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                    buffer[group * 3 + 2] = UInt8(truncatingIfNeeded: bits)
                }
                if padding > 0 {
                    let index = groups * 4
                    let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                    let c = padding == 2 ? 0 : table[Int(input[index + 2])]
                    seen |= a | b | c
                    let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    // The bits the padding stands for must be zero.
                    if bits & (padding == 2 ? 0xFFFF : 0xFF) != 0 { seen = 0xFF }
                    buffer[groups * 3] = UInt8(truncatingIfNeeded: bits >> 16)
                    if padding == 1 { buffer[groups * 3 + 1] = UInt8(truncatingIfNeeded: bits >> 8) }
                }
                failed = seen & 0xC0 != 0
                initialized = failed ? 0 : outputCount
            }
        }
        return failed ? nil : output
    }
}
