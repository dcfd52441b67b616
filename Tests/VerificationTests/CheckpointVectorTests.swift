import Foundation
import Hex
import Ledger
import Signing
import TestSupport
import Testing
import Verification

/// spec/checkpoints.md against the vectors an independent implementation produced.
@Suite struct CheckpointVectorTests {
    @Test func merkleRootsMatchRFC6962Vectors() throws {
        let data = try Data(contentsOf: SpecVectors.directory.appendingPathComponent("merkle.json"))
        let cases = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(cases.count == 9)
        for entry in cases {
            let leaves = (entry["leaves"] as! [String]).map { [UInt8](hex: $0)! }
            #expect(MerkleTree.root(leaves).hexString == entry["root"] as! String, "\(leaves.count) leaves")
        }
    }

    @Test func checkpointVectorIsReproducedAndOpens() throws {
        let text = try String(
            contentsOf: SpecVectors.directory.appendingPathComponent("checkpoint-v1.txt"), encoding: .utf8)
        let key = try SigningKey(
            text: try String(
                contentsOf: SpecVectors.directory.appendingPathComponent("attribution-v1/key.pem"), encoding: .utf8),
            source: "key.pem")
        let leaves = (0..<5).map { SHA256.hash("record \($0)") }.sorted { $0.lexicographicallyPrecedes($1) }
        let checkpoint = Checkpoint(
            origin: "sessiontrace/0123456789abcdef0123456789abcdef01234567", size: 5, root: MerkleTree.root(leaves),
            notesCommit: String(repeating: "ab", count: 20), time: "2026-01-02T03:04:05Z")
        #expect(try checkpoint.signedNote(name: "vectors@example.com", key: key) == text)
        let trust = try AllowedSigners(
            text: try String(
                contentsOf: SpecVectors.directory.appendingPathComponent("attribution-v1/allowed_signers"),
                encoding: .utf8), source: "t")
        let (opened, signer) = try Checkpoint.open(text, trust: trust)
        #expect(opened == checkpoint && signer == "vectors@example.com")
        let altered = text.replacingOccurrences(of: "\n5\n", with: "\n4\n")
        #expect(throws: CheckpointError.self) { try Checkpoint.open(altered, trust: trust) }
        let stranger = try AllowedSigners(
            text: "vectors@example.com \(try SigningKey.generate().publicKey.openSSH)", source: "t")
        #expect(throws: CheckpointError.self) { try Checkpoint.open(text, trust: stranger) }
    }
}
