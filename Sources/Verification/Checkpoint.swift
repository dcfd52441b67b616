import Diagnostics
import Foundation
import Git
import Hex
import Ledger
import Records
import Signing

package struct CheckpointError: UserFacingError {
    package let description: String
}

/// A signed statement of the ledger at one moment (spec/checkpoints.md): the notes
/// commit, how many records it holds and the Merkle root of their digests, in the
/// C2SP checkpoint format as an Ed25519 signed note.
public struct Checkpoint: Sendable, Equatable {
    package var origin: String
    public var size: Int
    package var root: [UInt8]
    package var notesCommit: String
    /// When it was made (RFC 3339 UTC): the time the signing key must be valid at.
    package var time: String

    package init(origin: String, size: Int, root: [UInt8], notesCommit: String, time: String) {
        self.origin = origin
        self.size = size
        self.root = root
        self.notesCommit = notesCommit
        self.time = time
    }

    /// The signed body: origin, size, base64 root, then the extension lines.
    package var body: String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\nnotes-commit \(notesCommit)\ntime \(time)\n"
    }

    /// The leaves of the ledger at `notesCommit`: every record line's digest, sorted,
    /// without repeats.
    package static func leaves(repository: Repository, notesCommit: ObjectID, ref: String = NotesLedger.notesRef) throws
        -> [[UInt8]]
    {
        try recordsByDigest(repository: repository, notesCommit: notesCommit, ref: ref).keys.sorted {
            $0.lexicographicallyPrecedes($1)
        }
    }

    /// `sessiontrace/<id of the repository's first commit>`: names the ledger.
    package static func origin(repository: Repository) throws -> String {
        if !(try repository.shallowBoundary()).isEmpty {
            throw CheckpointError(
                description:
                    "shallow clone: the repository's first commit, which names the ledger, is not here: run 'git fetch --unshallow' first"
            )
        }
        let roots = try repository.commits(inRange: "HEAD").filter { try repository.commit($0).parentIDs.isEmpty }
        guard let root = roots.min() else { throw CheckpointError(description: "repository has no commits yet") }
        return "sessiontrace/\(root.hex)"
    }

    package static func make(repository: Repository, now: Int64) throws -> Checkpoint {
        guard let tip = try repository.notesTip(NotesLedger.notesRef) else {
            throw CheckpointError(description: "no records yet: nothing to checkpoint")
        }
        let leaves = try leaves(repository: repository, notesCommit: tip)
        return Checkpoint(
            origin: try origin(repository: repository), size: leaves.count, root: MerkleTree.root(leaves),
            notesCommit: tip.hex, time: Timestamp.format(unixSeconds: now))
    }

    // MARK: Signed note

    /// The signed-note key id: the first 4 bytes of SHA-256(name ‖ LF ‖ 0x01 ‖ key).
    package static func keyHash(name: String, key: PublicKey) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, 0x01] + key.rawRepresentation).prefix(4))
    }

    /// The checkpoint as a signed note, signed by `name` with `key`.
    package func signedNote(name: String, key: any MessageSigner) throws -> String {
        let signature = try key.signature(for: Array(body.utf8))
        let blob = Checkpoint.keyHash(name: name, key: key.publicKey) + signature
        return body + "\n\u{2014} \(name) \(Data(blob).base64EncodedString())\n"
    }

    /// Parses a signed checkpoint and checks its signature against `trust`: some
    /// signature line by a key the trust file allows for that name must verify.
    /// Returns the checkpoint and the signer's name.
    public static func open(_ text: String, trust: AllowedSigners) throws -> (Checkpoint, String) {
        guard let separator = text.range(of: "\n\n") else {
            throw CheckpointError(description: "not a signed checkpoint: no signature block")
        }
        let body = String(text[..<separator.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count == 5, let size = Int(lines[1]), size >= 0, let root = Data(base64Encoded: lines[2]),
            root.count == 32,
            lines[3].hasPrefix("notes-commit "), ObjectID(hex: String(lines[3].dropFirst(13))) != nil,
            lines[4].hasPrefix("time "), let time = Timestamp.parse(String(lines[4].dropFirst(5)))
        else {
            throw CheckpointError(
                description:
                    "not a SessionTrace checkpoint: expected origin, size, root hash, notes-commit and time lines")
        }
        let checkpoint = Checkpoint(
            origin: lines[0], size: size, root: Array(root), notesCommit: String(lines[3].dropFirst(13)),
            time: String(lines[4].dropFirst(5)))
        for line in text[separator.upperBound...].split(separator: "\n") where line.hasPrefix("\u{2014} ") {
            let fields = line.dropFirst(2).split(separator: " ")
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])), blob.count == 68 else {
                continue
            }
            let name = String(fields[0])
            for entry in trust.entries where AllowedSigners.matchList(name, patterns: entry.principals) {
                guard Checkpoint.keyHash(name: name, key: entry.key) == Array(blob.prefix(4)),
                    entry.key.isValidSignature(Array(blob.dropFirst(4)), for: Array(body.utf8)),
                    case .trusted = trust.decide(keyID: entry.key.fingerprint, email: name, at: time)
                else { continue }
                return (checkpoint, name)
            }
        }
        throw CheckpointError(
            description:
                "the checkpoint carries no valid signature by a key the trust file allows (altered, or signed by an untrusted key)"
        )
    }
}

extension Checkpoint {
    /// Every record line's digest at `notesCommit`, with the objects whose notes hold it.
    static func recordsByDigest(repository: Repository, notesCommit: ObjectID, ref: String) throws -> [[UInt8]: Set<
        ObjectID
    >] {
        var records = [[UInt8]: Set<ObjectID>]()
        for entry in try repository.allNotes(ref: ref, notesCommit: notesCommit) {
            let bytes = try entry.blobs.flatMap { try repository.blobContent($0) }
            for line in bytes.split(separator: 0x0A) where !line.isEmpty {
                records[SHA256.hash(Array(line)), default: []].insert(entry.target)
            }
        }
        return records
    }

    /// What became of the records this checkpoint covered (spec/checkpoints.md §4):
    /// its notes commit must still be in the notes ref's history, hold exactly the
    /// records the checkpoint counted, and every one of them must still be in the ledger.
    package func audit(repository: Repository, ref: String = NotesLedger.notesRef) throws -> [Problem] {
        let covered = ObjectID(hex: notesCommit)!
        guard let tip = try repository.notesTip(ref) else {
            return [
                Problem(
                    commit: covered, record: nil, recordDigest: nil, code: .notesHistoryRewritten,
                    message: "\(ref) no longer exists: all \(size) records the checkpoint covered are gone")
            ]
        }
        guard (try? repository.commit(covered)) != nil else {
            return [
                Problem(
                    commit: covered, record: nil, recordDigest: nil, code: .notesHistoryRewritten,
                    message:
                        "notes commit \(covered.shortHex), which the checkpoint covered, no longer exists: the notes history was rewritten"
                )
            ]
        }
        var problems = [Problem]()
        if !repository.isAncestor(covered, of: tip) {
            problems.append(
                Problem(
                    commit: covered, record: nil, recordDigest: nil, code: .notesHistoryRewritten,
                    message:
                        "\(ref) no longer descends from notes commit \(covered.shortHex), which the checkpoint covered: its history was force-rewritten"
                ))
        }
        // Each covered record belongs to the commit whose note held it: a record moved
        // onto another commit's note is gone from its own, whatever range is verified.
        let then = try Checkpoint.recordsByDigest(repository: repository, notesCommit: covered, ref: ref)
        let thenDigests = then.keys.sorted { $0.lexicographicallyPrecedes($1) }
        guard thenDigests.count == size, MerkleTree.root(thenDigests) == root else {
            problems.append(
                Problem(
                    commit: covered, record: nil, recordDigest: nil, code: .checkpointMismatch,
                    message:
                        "notes commit \(covered.shortHex) holds \(thenDigests.count) records whose root is not the checkpoint's (\(size) records)"
                ))
            return problems
        }
        let now = try Checkpoint.recordsByDigest(repository: repository, notesCommit: tip, ref: ref)
        for digest in thenDigests {
            let holders = now[digest] ?? []
            for commit in then[digest]!.sorted(by: { $0.hex < $1.hex }) where !holders.contains(commit) {
                let whereNow =
                    holders.isEmpty
                    ? "removed or altered"
                    : "moved to the note of \(holders.sorted { $0.hex < $1.hex }.map(\.shortHex).joined(separator: ", "))"
                problems.append(
                    Problem(
                        commit: commit, record: nil, recordDigest: "sha256:" + digest.hexString, code: .recordRemoved,
                        message:
                            "record sha256:\(digest.hexString), covered by the checkpoint, is no longer on the note of commit \(commit.shortHex) (\(whereNow))"
                    ))
            }
        }
        return problems
    }
}
