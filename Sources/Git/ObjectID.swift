import CLibGit2

/// A git object id (SHA-1, 20 bytes).
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    var oid: git_oid

    init(_ oid: git_oid) { self.oid = oid }

    /// Parses a full 40-digit hexadecimal id; nil otherwise.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.oid = oid
    }

    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: oid.id) { bytes in
            String(unsafeUninitializedCapacity: 40) { buffer in
                digits.withUTF8Buffer { table in
                    for (index, byte) in bytes.enumerated() {
                        buffer[2 * index] = table[Int(byte >> 4)]
                        buffer[2 * index + 1] = table[Int(byte & 0x0F)]
                    }
                }
                return 40
            }
        }
    }

    public var shortHex: String { String(hex.prefix(12)) }

    /// The all-zero id git writes for "no object" (a reflog's first entry, a new ref).
    public var isZero: Bool { withUnsafeBytes(of: oid.id) { $0.allSatisfy { $0 == 0 } } }

    public var description: String { hex }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.oid.id) { l in withUnsafeBytes(of: rhs.oid.id) { r in l.elementsEqual(r) } }
    }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.oid.id) { l in withUnsafeBytes(of: rhs.oid.id) { r in l.lexicographicallyPrecedes(r) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: oid.id) { hasher.combine(bytes: $0) }
    }
}

func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}
