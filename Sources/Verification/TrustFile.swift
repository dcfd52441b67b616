import Diagnostics
import Foundation
import Git
import Signing

/// Where the verifier's trust comes from (spec/records.md §6).
package enum TrustSource: Equatable, Sendable {
    /// A file the auditor named.
    case file(String)
    /// `.sessiontrace/allowed_signers` in the tree of HEAD: editable by anyone who can push.
    case repository(commit: String)
}

package struct TrustFileError: UserFacingError {
    package let message: String
    package var description: String { message }
}

package enum TrustFile {
    package static let repositoryPath = ".sessiontrace/allowed_signers"

    /// Loads `explicitPath`, or the repository's own copy at HEAD when nil.
    /// Returns nil when neither exists and none was asked for.
    package static func load(explicitPath: String?, repository: Repository) throws -> (AllowedSigners, TrustSource)? {
        if let explicitPath {
            guard let data = FileManager.default.contents(atPath: explicitPath) else {
                throw TrustFileError(message: "cannot read trust file \(explicitPath)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TrustFileError(message: "trust file \(explicitPath) is not UTF-8 text")
            }
            return (try AllowedSigners(text: text, source: explicitPath), .file(explicitPath))
        }
        guard !repository.hasNoCommits, let head = try? repository.resolveCommit("HEAD") else { return nil }
        guard case .blob(let bytes) = try repository.content(ofPath: repositoryPath, inCommit: head) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TrustFileError(message: "\(repositoryPath) at HEAD is not UTF-8 text")
        }
        return (
            try AllowedSigners(text: text, source: "\(repositoryPath)@\(head.shortHex)"), .repository(commit: head.hex)
        )
    }
}

/// Revoked keys (spec/records.md §6): one per line, as `ssh-ed25519 <base64>
/// [comment]` (the form of allowed_signers lines and of OpenSSH's plain revoked-keys
/// files) or as a `SHA256:…` fingerprint. Blank lines and `#` comments are ignored.
public enum RevokedKeys {
    package static let repositoryPath = ".sessiontrace/revoked_keys"

    public static func parse(_ text: String, source: String) throws -> Set<String> {
        var fingerprints = Set<String>()
        for (number, line) in TextLines.meaningful(text) {
            func fail(_ problem: String) -> TrustFileError {
                TrustFileError(message: "\(source):\(number): \(problem)")
            }
            let fields = TextLines.fields(line)
            if fields[0].hasPrefix("SHA256:") {
                guard PublicKey.isFingerprint(String(fields[0])) else {
                    throw fail("'\(fields[0])' is not a SHA256 key fingerprint (SHA256: and 43 base64 characters)")
                }
                guard fields.count == 1 || fields[1].hasPrefix("#") else {
                    throw fail("unexpected text after the fingerprint (a comment starts with #)")
                }
                fingerprints.insert(String(fields[0]))
                continue
            }
            guard let typeIndex = fields.firstIndex(where: { AllowedSigners.looksLikeKeyType(String($0)) }),
                typeIndex + 1 < fields.count
            else {
                throw fail("expected 'ssh-ed25519 <key>' or a SHA256: fingerprint")
            }
            // Other key types can never sign a record: nothing to revoke.
            guard fields[typeIndex] == "ssh-ed25519" else { continue }
            do {
                fingerprints.insert(try PublicKey(openSSH: "ssh-ed25519 \(fields[typeIndex + 1])").fingerprint)
            } catch {
                throw fail("\(error)")
            }
        }
        return fingerprints
    }

    /// `explicitPath`, else the repository's own file at HEAD when trusting the repository.
    package static func load(explicitPath: String?, repository: Repository, fromRepository: Bool) throws -> Set<String>
    {
        if let explicitPath {
            guard let data = FileManager.default.contents(atPath: explicitPath) else {
                throw TrustFileError(message: "cannot read revoked keys file \(explicitPath)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TrustFileError(message: "revoked keys file \(explicitPath) is not UTF-8 text")
            }
            return try parse(text, source: explicitPath)
        }
        guard fromRepository, !repository.hasNoCommits, let head = try? repository.resolveCommit("HEAD"),
            case .blob(let bytes) = try repository.content(ofPath: repositoryPath, inCommit: head)
        else { return [] }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TrustFileError(message: "\(repositoryPath) at HEAD is not UTF-8 text")
        }
        return try parse(text, source: "\(repositoryPath)@\(head.shortHex)")
    }
}

extension TrustFile {
    /// Entries of the repository's own trust file (at HEAD) that the auditor's does not
    /// have — a key, or a principal for a key — each reported with the commit that last
    /// changed that file: whoever can push can add themselves there.
    package static func repositoryDifferences(from auditor: AllowedSigners, repository: Repository) throws -> [Problem]
    {
        guard !repository.hasNoCommits, let head = try? repository.resolveCommit("HEAD"),
            case .blob(let bytes) = try repository.content(ofPath: repositoryPath, inCommit: head),
            let text = String(validating: bytes, as: UTF8.self),
            let ours = try? AllowedSigners(text: text, source: repositoryPath)
        else { return [] }
        let trusted = Set(
            auditor.entries.flatMap { entry in entry.principals.map { "\(entry.key.fingerprint) \($0)" } })
        let extra = ours.entries.flatMap { entry in
            entry.principals.filter { !trusted.contains("\(entry.key.fingerprint) \($0)") }.map {
                (entry.key.fingerprint, $0)
            }
        }
        guard !extra.isEmpty else { return [] }
        let changed = try lastChange(of: repositoryPath, from: head, repository: repository)
        let by =
            try changed.map { " (last changed in commit \($0.shortHex) by \(try repository.commit($0).author.email))" }
            ?? ""
        return extra.map { key, principal in
            Problem(
                commit: changed ?? head, record: nil, recordDigest: nil, code: .repositoryTrustEdited,
                message:
                    "the repository's \(repositoryPath) trusts \(key) for \(principal), which your trust file does not\(by)"
            )
        }
    }

    /// The newest commit on HEAD's first-parent history that changed `path`.
    static func lastChange(of path: String, from head: ObjectID, repository: Repository, limit: Int = 10_000) throws
        -> ObjectID?
    {
        func blob(_ commit: ObjectID) throws -> [UInt8]? {
            if case .blob(let bytes) = try repository.content(ofPath: path, inCommit: commit) { return bytes }
            return nil
        }
        var current = head
        var content = try blob(head)
        for _ in 0..<limit {
            guard let parent = try repository.commit(current).parentIDs.first else {
                return content == nil ? nil : current
            }
            let parentContent = try blob(parent)
            if parentContent != content { return current }
            current = parent
            content = parentContent
        }
        return nil
    }
}
