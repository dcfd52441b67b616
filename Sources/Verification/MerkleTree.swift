import Signing

/// RFC 6962 Merkle tree hashes over record digests (spec/checkpoints.md §2).
package enum MerkleTree {
    /// MTH(leaves): the empty tree hashes to SHA-256 of nothing; a leaf is
    /// SHA-256(0x00 ‖ data); a node SHA-256(0x01 ‖ left ‖ right), split at the largest
    /// power of two smaller than the number of leaves.
    package static func root(_ leaves: [[UInt8]]) -> [UInt8] {
        if leaves.isEmpty { return SHA256.hash([UInt8]()) }
        return hash(leaves.map { SHA256.hash([0] + $0) }[...])
    }

    private static func hash(_ leafHashes: ArraySlice<[UInt8]>) -> [UInt8] {
        if leafHashes.count == 1 { return leafHashes.first! }
        var split = 1
        while split * 2 < leafHashes.count { split *= 2 }
        let middle = leafHashes.startIndex + split
        return SHA256.hash([1] + hash(leafHashes[..<middle]) + hash(leafHashes[middle...]))
    }
}
