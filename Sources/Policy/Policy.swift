// Policy: spec/policy.md. The policy file and its path patterns.

import Diagnostics
import Foundation
import Git
import Yams

/// Why a policy file cannot be used: one line, naming the file and the problem.
package struct PolicyError: UserFacingError, Equatable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// A team's policy (spec/policy.md): which paths are sensitive. Reports rank the AI
/// lines in them that nobody reviewed.
public struct Policy: Sendable {
    package static let repositoryPath = ".sessiontrace/policy.yml"

    package var sensitivePaths: [PathPattern]
    /// Where the policy came from: a file, `.sessiontrace/policy.yml@<commit>`, or
    /// "none" when there is no policy.
    package let source: String

    package init(sensitivePaths: [PathPattern] = [], source: String = "none") {
        self.sensitivePaths = sensitivePaths
        self.source = source
    }

    package func isSensitive(_ path: String) -> Bool {
        sensitivePaths.contains { $0.matches(path) }
    }

    /// The members a version 1 policy may have; any other is refused, so that a
    /// misspelt rule is never silently ignored.
    static let knownMembers: Set<String> = ["version", "sensitive_paths"]

    /// Reads the YAML node tree itself (Yams' `compose`), never Yams' conversion to
    /// Swift values, which crashes on a mapping key that is not a plain string (found
    /// by fuzzing: `? [a]: b`); errors name the line.
    public init(yaml text: String, source: String) throws {
        let document: Node?
        do {
            document = try Yams.compose(yaml: text)
        } catch {
            throw PolicyError(
                "\(source): not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        func place(_ node: Node) -> String { node.mark.map { "\(source):\($0.line)" } ?? source }
        guard let document, document.null == nil else { self.init(source: source); return }
        guard case .mapping(let members) = document else {
            throw PolicyError("\(place(document)): must be a mapping of rules")
        }
        var seen = Set<String>()
        var patterns = [PathPattern]()
        for (key, value) in members {
            guard case .scalar(let name) = key else {
                throw PolicyError("\(place(key)): a rule's name must be a plain word")
            }
            guard Policy.knownMembers.contains(name.string) else {
                throw PolicyError(
                    "\(place(key)): unknown rule '\(name.string)' (known: \(Policy.knownMembers.sorted().joined(separator: ", ")))"
                )
            }
            guard seen.insert(name.string).inserted else {
                throw PolicyError("\(place(key)): '\(name.string)' is given twice")
            }
            switch name.string {
            case "version":
                guard case .scalar = value, value.int == 1 else {
                    throw PolicyError("\(place(value)): version must be 1")
                }
            default:  // sensitive_paths
                guard case .sequence(let list) = value else {
                    throw PolicyError("\(place(value)): sensitive_paths must be a list of path patterns")
                }
                for entry in list {
                    // A pattern is a string: `- 3` is a number, quoted `- "3"` a path.
                    guard case .scalar(let scalar) = entry, entry.tag == Tag(.str) else {
                        throw PolicyError("\(place(entry)): sensitive_paths must be a list of path patterns")
                    }
                    do { patterns.append(try PathPattern(scalar.string)) } catch let error as PolicyError {
                        throw PolicyError("\(place(entry)): \(error.description)")
                    }
                }
            }
        }
        self.init(sensitivePaths: patterns, source: source)
    }

    /// The policy in `explicitPath`, else the repository's at `commit` (HEAD when nil),
    /// else an empty policy.
    package static func load(explicitPath: String?, repository: Repository, commit: ObjectID? = nil) throws -> Policy {
        if let explicitPath {
            guard let data = FileManager.default.contents(atPath: explicitPath) else {
                throw PolicyError("cannot read policy file \(explicitPath)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw PolicyError("policy file \(explicitPath) is not UTF-8 text")
            }
            return try Policy(yaml: text, source: explicitPath)
        }
        if repository.hasNoCommits { return Policy() }
        let at = try commit ?? repository.resolveCommit("HEAD")
        guard case .blob(let bytes) = try repository.content(ofPath: repositoryPath, inCommit: at) else {
            return Policy()
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PolicyError("\(repositoryPath) is not UTF-8 text")
        }
        return try Policy(yaml: text, source: "\(repositoryPath)@\(at.shortHex)")
    }
}
