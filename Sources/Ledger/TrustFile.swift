import Foundation
import Git

/// Where the verifier's trust comes from (spec/records.md §6).
public enum TrustSource: Equatable, Sendable {
    /// A file the auditor named.
    case file(String)
    /// `.sessiontrace/allowed_signers` in the tree of HEAD: editable by anyone who can push.
    case repository(commit: String)
}

public struct TrustFileError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public enum TrustFile {
    public static let repositoryPath = ".sessiontrace/allowed_signers"

    /// Loads `explicitPath`, or the repository's own copy at HEAD when nil.
    /// Returns nil when neither exists and none was asked for.
    public static func load(explicitPath: String?, repository: Repository) throws -> (AllowedSigners, TrustSource)? {
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
        return (try AllowedSigners(text: text, source: "\(repositoryPath)@\(head.shortHex)"), .repository(commit: head.hex))
    }
}
