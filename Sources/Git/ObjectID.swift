internal import CLibGit2
import Hex

/// A git object id (SHA-1, 20 bytes).
package struct ObjectID: Hashable, Comparable, Sendable, CustomStringConvertible {
    var oid: git_oid

    init(_ oid: git_oid) { self.oid = oid }

    /// Parses a full 40-digit hexadecimal id; nil otherwise.
    package init?(hex: String) {
        guard hex.utf8.count == 40, let bytes = Hex.decode(hex) else { return nil }
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { $0.copyBytes(from: bytes) }
        self.oid = oid
    }

    package var hex: String { withUnsafeBytes(of: oid.id, Hex.encode) }

    package var shortHex: String { String(hex.prefix(12)) }

    /// The all-zero id git writes for "no object" (a reflog's first entry, a new ref).
    package var isZero: Bool { withUnsafeBytes(of: oid.id) { $0.allSatisfy { $0 == 0 } } }

    package var description: String { hex }

    package static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.oid.id) { l in withUnsafeBytes(of: rhs.oid.id) { r in l.elementsEqual(r) } }
    }

    package static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        withUnsafeBytes(of: lhs.oid.id) { l in withUnsafeBytes(of: rhs.oid.id) { r in l.lexicographicallyPrecedes(r) } }
    }

    package func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: oid.id) { hasher.combine(bytes: $0) }
    }
}
