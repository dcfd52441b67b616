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

/// A team's policy (spec/policy.md): which paths are sensitive, the rules commits are
/// checked against (`git trace check`), and who may approve exceptions.
public struct Policy: Sendable {
    package static let repositoryPath = ".sessiontrace/policy.yml"

    package var sensitivePaths: [PathPattern]
    /// Who may sign waivers: e-mail address patterns.
    package var approvers: [NamePattern]
    /// The rules everywhere, before any path group's.
    package var rules: Rules
    package var pathGroups: [PathGroup]
    package var alerts: Alerts?
    /// Where the policy came from: a file, `.sessiontrace/policy.yml@<commit>`, or
    /// "none" when there is no policy.
    package let source: String

    package init(
        sensitivePaths: [PathPattern] = [], approvers: [NamePattern] = [], rules: Rules = Rules(),
        pathGroups: [PathGroup] = [], source: String = "none"
    ) {
        self.sensitivePaths = sensitivePaths
        self.approvers = approvers
        self.rules = rules
        self.pathGroups = pathGroups
        self.source = source
    }

    package func isSensitive(_ path: String) -> Bool {
        sensitivePaths.contains { $0.matches(path) }
    }

    /// The rules for `path`: the top-level ones, with those of the first path group
    /// whose patterns match it in their place.
    package func rules(for path: String) -> Rules {
        rules(inGroup: group(of: path))
    }

    /// The rules of the paths of group `group` (nil: the paths no group matches).
    package func rules(inGroup group: Int?) -> Rules {
        group.map { rules.overridden(by: pathGroups[$0].rules) } ?? rules
    }

    /// The index of the first path group whose patterns match `path`.
    package func group(of path: String) -> Int? {
        pathGroups.firstIndex { $0.match.contains { $0.matches(path) } }
    }

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
        guard let document, document.null == nil else { self.init(source: source); return }
        let reader = PolicyReader(source: source)
        var policy = Policy(source: source)
        for (name, value) in try reader.members(
            of: document, in: "the policy", known: ["version", "sensitive_paths", "approvers", "rules", "alerts"])
        {
            switch name {
            case "version":
                guard case .scalar = value, value.int == 1 else {
                    throw PolicyError("\(reader.place(value)): version must be 1")
                }
            case "sensitive_paths":
                policy.sensitivePaths = try reader.pathPatterns(value, name: "sensitive_paths")
            case "approvers":
                policy.approvers = try reader.strings(value, name: "approvers", what: "e-mail address patterns").map {
                    try reader.approver($0)
                }
            case "alerts":
                policy.alerts = try reader.alerts(value)
            default:  // rules
                (policy.rules, policy.pathGroups) = try reader.rules(value)
            }
        }
        self = policy
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
        return try Policy(repositoryFile: bytes, at: at)
    }

    /// The policy in `bytes`, the repository's `.sessiontrace/policy.yml` as of `commit`.
    package init(repositoryFile bytes: [UInt8], at commit: ObjectID) throws {
        let source = "\(Policy.repositoryPath)@\(commit.shortHex)"
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PolicyError("\(source) is not UTF-8 text")
        }
        try self.init(yaml: text, source: source)
    }
}
