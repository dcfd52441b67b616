internal import CLibGit2
import Hex

/// A git object id (SHA-1, 20 bytes).
public struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    var oid: git_oid

    init(_ oid: git_oid) { self.oid = oid }

    /// Parses a full 40-digit hexadecimal id; nil otherwise.
    public init?(hex: String) {
        guard hex.utf8.count == 40, let bytes = Hex.decode(hex) else { return nil }
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyBytes(from: bytes) }
        self.oid = oid
    }

    public var hex: String { withUnsafeBytes(of: oid.id, Hex.encode) }

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
