import CanonicalJSON
import Foundation
import Ledger
import Policy
import Records
import Verification

extension Violation {
    /// `<path>:<lines> <severity> <rule>: <why> (fix: …)`, or `(waived by …)`: check's
    /// text line without the commit, which the pre-commit hook prints for staged lines.
    package var textLine: String {
        let place = path.map { lines.isEmpty ? "\($0) " : "\($0):\(RangeList.format(lines)) " } ?? ""
        let head = "\(place)\(severity.rawValue) \(rule.rawValue): \(message)"
        if let waiver = waivedBy { return head + " (waived by \(waiver.email): \(waiver.reason))" }
        return head + " (fix: \(fix))"
    }
}

/// `git trace check`'s outputs (spec/policy.md §5): text, JSON (the reference), SARIF
/// 2.1.0 for code scanning, and GitHub Actions workflow commands.
extension CheckResult {
    /// One line per violation: `<commit> <path>:<lines> <severity> <rule>: <why> (fix: …)`.
    package var textLines: [String] {
        violations.map { String($0.commit.prefix(12)) + " " + $0.textLine }
    }

    /// `check: 3 violations (2 errors, 1 warning) in 12 commits; …`, for stderr.
    package var summary: String {
        let count = violations.count
        let trust = trustFromRepository ? "the repository's trust file \(trustSource)" : trustSource
        return
            "check: \(count) \(count == 1 ? "violation" : "violations") (\(errors) \(errors == 1 ? "error" : "errors"), "
            + "\(warnings) \(warnings == 1 ? "warning" : "warnings")\(waived > 0 ? ", \(waived) waived" : "")) in \(commits.count) \(commits.count == 1 ? "commit" : "commits"); "
            + "policy \(policies.isEmpty ? "none" : policies.joined(separator: ", ")); records verified with \(trust)"
            + (recordsUnverified > 0 ? "; \(recordsUnverified) records did not verify and were not used" : "")
            + (shallowBoundary.isEmpty
                ? ""
                : "; \(shallowBoundary.count) at the shallow clone's boundary, their AI share not known (git fetch --deepen to check them)")
    }

    package var json: JSONValue {
        .object([
            "version": .integer(1),
            "range": .string(range),
            "commits": .integer(Int64(commits.count)),
            "policies": .array(policies.map(JSONValue.string)),
            "trust": .object([
                "source": .string(trustSource), "from_repository": .bool(trustFromRepository),
                "records_unverified": .integer(Int64(recordsUnverified)),
            ]),
            "errors": .integer(Int64(errors)),
            "warnings": .integer(Int64(warnings)),
            "waived": .integer(Int64(waived)),
            "shallow_boundary": .array(shallowBoundary.map { .string($0.hex) }),
            "violations": .array(
                violations.map { violation in
                    .object([
                        "commit": .string(violation.commit),
                        "path": violation.path.map(JSONValue.string) ?? .null,
                        "lines": .array(
                            violation.lines.map {
                                .array([.integer(Int64($0.lowerBound)), .integer(Int64($0.upperBound))])
                            }),
                        "rule": .string(violation.rule.rawValue),
                        "severity": .string(violation.severity.rawValue),
                        "message": .string(violation.message),
                        "fix": .string(violation.fix),
                        "policy": .string(violation.policy),
                        "waived": violation.waivedBy.map {
                            .object(["by": .string($0.email), "reason": .string($0.reason)])
                        } ?? .null,
                    ])
                }),
        ])
    }

    /// SARIF 2.1.0 as GitHub code scanning reads it: every rule described, each result
    /// at its file and first line (a violation about a whole commit at the file it added
    /// most AI lines to; without any file, at the policy), with a fingerprint that
    /// stays the same from run to run so that alerts are tracked, not duplicated.
    package var sarif: JSONValue {
        let rules = Violation.Rule.allCases
        let results = violations.map { violation -> JSONValue in
            let path = violation.path ?? Policy.repositoryPath
            var region: JSONObject = ["startLine": .integer(Int64(violation.lines.first?.lowerBound ?? 1))]
            if let first = violation.lines.first, first.upperBound != first.lowerBound {
                region["endLine"] = .integer(Int64(first.upperBound))
            }
            var result: JSONObject = [
                "ruleId": .string(violation.rule.rawValue),
                "ruleIndex": .integer(Int64(rules.firstIndex(of: violation.rule)!)),
                "level": .string(violation.severity == .error ? "error" : "warning"),
                "message": .object([
                    "text": .string(
                        "commit \(violation.commit.prefix(12)): \(violation.message). Fix: \(violation.fix)."
                            + (violation.lines.count > 1 ? " Lines \(RangeList.format(violation.lines))." : ""))
                ]),
                "locations": .array([
                    .object([
                        "physicalLocation": .object([
                            "artifactLocation": .object(["uri": .string(path), "uriBaseId": .string("%SRCROOT%")]),
                            "region": .object(region),
                        ])
                    ])
                ]),
                "partialFingerprints": .object([
                    "sessiontrace/v1": .string(
                        [
                            violation.commit, violation.rule.rawValue, violation.path ?? "",
                            RangeList.format(violation.lines),
                        ]
                        .joined(separator: ":"))
                ]),
                "properties": .object(["commit": .string(violation.commit), "policy": .string(violation.policy)]),
            ]
            if let waiver = violation.waivedBy {
                // Code scanning shows a suppressed result as dismissed, with the reason.
                result["suppressions"] = .array([
                    .object([
                        "kind": .string("external"), "status": .string("accepted"),
                        "justification": .string("waived by \(waiver.email): \(waiver.reason)"),
                    ])
                ])
            }
            return .object(result)
        }
        let ruleObjects = rules.map { rule -> JSONValue in
            .object([
                "id": .string(rule.rawValue),
                "name": .string(rule.rawValue),
                "shortDescription": .object(["text": .string(rule.summary)]),
                "fullDescription": .object(["text": .string(rule.summary)]),
                "help": .object([
                    "text": .string(
                        "SessionTrace policy rule \(rule.rawValue), set in \(Policy.repositoryPath) (spec/policy.md).")
                ]),
                "defaultConfiguration": .object(["level": .string("error")]),
            ])
        }
        return SARIF.log(
            rules: ruleObjects, results: results, automationID: "sessiontrace/check/",
            informationURI: "https://sessiontrace.dev/policy")
    }

    /// GitHub Actions workflow commands: `::error file=…,line=…,endLine=…,title=…::…`,
    /// escaped as the runner expects (`%`, CR and LF in the message; also `:` and `,`
    /// in properties), so that no path or message can end the command early.
    package var githubLines: [String] {
        func escapeData(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ text: String) -> String {
            escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        return violations.map { violation in
            var properties = [String]()
            if let path = violation.path {
                properties.append("file=\(escapeProperty(path))")
                if let first = violation.lines.first {
                    properties.append("line=\(first.lowerBound)")
                    if first.upperBound != first.lowerBound { properties.append("endLine=\(first.upperBound)") }
                }
            }
            properties.append("title=\(escapeProperty("SessionTrace \(violation.rule.rawValue)"))")
            let message =
                "commit \(violation.commit.prefix(12)): \(violation.message) "
                + (violation.waivedBy.map { "(waived by \($0.email): \($0.reason))" } ?? "(fix: \(violation.fix))")
            let level = violation.waivedBy != nil ? "notice" : violation.severity == .error ? "error" : "warning"
            return "::\(level) \(properties.joined(separator: ","))::\(escapeData(message))"
        }
    }
}
