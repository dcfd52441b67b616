/// How a broken rule counts (spec/policy.md §3): `error` fails `git trace check` and
/// blocks where the policy is enforced, `warning` is reported only.
package enum Severity: String, Sendable, Comparable, CaseIterable {
    case warning, error

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
}

/// The rules a policy may set (spec/policy.md §3), each optional.
package struct Rules: Sendable, Equatable {
    /// Per commit: the AI-written share (ai + mixed) of its added lines may not exceed `percent`.
    package struct MaxAIShare: Sendable, Equatable {
        package var percent: Int
        package var severity: Severity

        package init(percent: Int, severity: Severity) {
            self.percent = percent
            self.severity = severity
        }
    }

    /// AI-written lines in sensitive paths need `reviews` signed independent reviews.
    package struct SensitiveReview: Sendable, Equatable {
        package var reviews: Int
        package var severity: Severity

        package init(reviews: Int, severity: Severity) {
            self.reviews = reviews
            self.severity = severity
        }
    }

    /// Which names (models, or agents) AI-written lines may come from: an allow list
    /// (when given, a name must match one of its patterns; an empty one allows none) and
    /// a deny list (a name matching one of its patterns is refused, allowed or not).
    package struct Names: Sendable, Equatable {
        package var allow: [NamePattern]?
        package var deny: [NamePattern]
        package var severity: Severity

        /// Why `name` is refused, or nil when it is allowed.
        package func refusal(of name: String) -> String? {
            if let pattern = deny.first(where: { $0.matches(name) }) { return "denied by '\(pattern)'" }
            if let allow, !allow.contains(where: { $0.matches(name) }) {
                return allow.isEmpty
                    ? "no name is allowed here" : "not in the allow list (\(allow.map(\.text).joined(separator: ", ")))"
            }
            return nil
        }
    }

    /// Every commit (merges aside) carries a verified attribution record.
    package struct RequireRecords: Sendable, Equatable {
        package var severity: Severity
    }

    package var maxAIShare: MaxAIShare?
    package var sensitiveReview: SensitiveReview?
    package var models: Names?
    package var agents: Names?
    package var requireRecords: RequireRecords?

    package init(
        maxAIShare: MaxAIShare? = nil, sensitiveReview: SensitiveReview? = nil, models: Names? = nil,
        agents: Names? = nil, requireRecords: RequireRecords? = nil
    ) {
        self.maxAIShare = maxAIShare
        self.sensitiveReview = sensitiveReview
        self.models = models
        self.agents = agents
        self.requireRecords = requireRecords
    }

    package var isEmpty: Bool {
        maxAIShare == nil && sensitiveReview == nil && models == nil && agents == nil && requireRecords == nil
    }

    /// These rules with every rule `overrides` sets taking the place of this one's.
    func overridden(by overrides: Rules) -> Rules {
        Rules(
            maxAIShare: overrides.maxAIShare ?? maxAIShare,
            sensitiveReview: overrides.sensitiveReview ?? sensitiveReview,
            models: overrides.models ?? models, agents: overrides.agents ?? agents,
            requireRecords: requireRecords)
    }
}

/// The rules of one group of paths (`rules.paths`): for a path the first group's
/// patterns match, its rules replace the top-level ones they name.
package struct PathGroup: Sendable, Equatable {
    package var match: [PathPattern]
    package var rules: Rules
    /// Where the group is written (`file:line`), for messages.
    package var place: String
}

/// A name pattern (models, agents, approvers' e-mail addresses): `*` matches any run of
/// characters, `?` one; the rest literally, ignoring case.
package struct NamePattern: Sendable, Equatable, CustomStringConvertible {
    package let text: String
    private let lowered: [UInt8]

    package init(_ text: String) {
        self.text = text
        lowered = Array(text.lowercased().utf8)
    }

    package var description: String { text }

    package func matches(_ name: String) -> Bool {
        NamePattern.match(lowered[...], Array(name.lowercased().utf8)[...])
    }

    private static func match(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case UInt8(ascii: "*"):
            let rest = pattern.drop { $0 == UInt8(ascii: "*") }
            var candidate = name
            while true {
                if match(rest, candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !name.isEmpty && match(pattern.dropFirst(), name.dropFirst())
        default:
            return name.first == first && match(pattern.dropFirst(), name.dropFirst())
        }
    }
}

/// Where `git trace check --alert` sends its violations (spec/policy.md §8).
package struct Alerts: Sendable, Equatable {
    /// A program in the repository (a path from its top level) or an absolute path, run
    /// with the violations as JSON on its standard input.
    package var command: String?
    /// An http(s) URL that receives the same JSON as a POST.
    package var webhook: String?
    /// Whether a failed alert fails the check (exit 2); else it is one line on stderr.
    package var required: Bool
    /// Seconds each alert may take before it is stopped and counts as failed: a hung
    /// notifier must not hang the CI job or the push waiting on the check.
    package var timeout: Int

    package static let defaultTimeout = 30
    package static let timeouts = 1...300

    package init(command: String? = nil, webhook: String? = nil, required: Bool = false, timeout: Int = defaultTimeout)
    {
        self.command = command
        self.webhook = webhook
        self.required = required
        self.timeout = timeout
    }
}
