import Foundation
import Git
import Yams

/// Why a policy file cannot be used: one line, naming the file and the problem.
public struct PolicyError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A team's policy (spec/policy.md): which paths are sensitive. Reports rank the AI
/// lines in them that nobody reviewed.
public struct Policy: Sendable {
    public static let repositoryPath = ".sessiontrace/policy.yml"

    public var sensitivePaths: [PathPattern]
    /// Where the policy came from: a file, `.sessiontrace/policy.yml@<commit>`, or
    /// "none" when there is no policy.
    public let source: String

    public init(sensitivePaths: [PathPattern] = [], source: String = "none") {
        self.sensitivePaths = sensitivePaths
        self.source = source
    }

    public func isSensitive(_ path: String) -> Bool {
        sensitivePaths.contains { $0.matches(path) }
    }

    /// The members a version 1 policy may have; any other is refused, so that a
    /// misspelt rule is never silently ignored.
    static let knownMembers: Set<String> = ["version", "sensitive_paths"]

    public init(yaml text: String, source: String) throws {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw PolicyError("\(source): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let document else { self.init(source: source); return }
        guard let members = document as? [String: Any] else { throw PolicyError("\(source): must be a mapping of rules") }
        if let unknown = members.keys.filter({ !Policy.knownMembers.contains($0) }).sorted().first {
            throw PolicyError("\(source): unknown rule '\(unknown)' (known: \(Policy.knownMembers.sorted().joined(separator: ", ")))")
        }
        if let version = members["version"] {
            guard let number = version as? Int, number == 1 else { throw PolicyError("\(source): version must be 1") }
        }
        var patterns = [PathPattern]()
        if let paths = members["sensitive_paths"] {
            guard let list = paths as? [Any] else { throw PolicyError("\(source): sensitive_paths must be a list of path patterns") }
            for entry in list {
                guard let text = entry as? String else { throw PolicyError("\(source): sensitive_paths must be a list of path patterns") }
                do { patterns.append(try PathPattern(text)) } catch let error as PolicyError {
                    throw PolicyError("\(source): \(error.description)")
                }
            }
        }
        self.init(sensitivePaths: patterns, source: source)
    }

    /// The policy in `explicitPath`, else the repository's at `commit` (HEAD when nil),
    /// else an empty policy.
    public static func load(explicitPath: String?, repository: Repository, commit: ObjectID? = nil) throws -> Policy {
        if let explicitPath {
            guard let data = FileManager.default.contents(atPath: explicitPath) else {
                throw PolicyError("cannot read policy file \(explicitPath)")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw PolicyError("policy file \(explicitPath) is not UTF-8 text") }
            return try Policy(yaml: text, source: explicitPath)
        }
        if repository.hasNoCommits { return Policy() }
        let at = try commit ?? repository.resolveCommit("HEAD")
        guard case .blob(let bytes) = try repository.content(ofPath: repositoryPath, inCommit: at) else { return Policy() }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw PolicyError("\(repositoryPath) is not UTF-8 text") }
        return try Policy(yaml: text, source: "\(repositoryPath)@\(at.shortHex)")
    }
}
