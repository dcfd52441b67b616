import CanonicalJSON
import Foundation
import Git
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing

/// `git trace check` (spec/policy.md §4–§5) on real repositories with signed records.
@Suite struct PolicyCheckTests {
    static let policy = """
        version: 1
        sensitive_paths: [src/payments/]
        approvers: ["security@example.com", "*@compliance.example.com"]
        rules:
          max_ai_share: {percent: 50, severity: error}
          sensitive_review: {reviews: 1, severity: error}
          models: {allow: ["anthropic/*", "openai/gpt-5*"], deny: ["*/*-preview"], severity: error}
          agents: {allow: [claude-code, codex], severity: warning}
          require_records: {severity: error}
          paths:
            - {match: ["docs/**"], max_ai_share: {percent: 100}}

        """

    /// A violation as the JSON output gives it, reduced to what the tests compare.
    struct Found: Equatable, CustomStringConvertible {
        let commit: String, rule: String, severity: String, path: String?, lines: [[Int]]
        var description: String { "\(commit.prefix(7)) \(rule) \(severity) \(path ?? "-") \(lines)" }
    }

    static func found(_ output: ProcessOutput) throws -> [Found] {
        let json = try JSONValue(parsing: Array(output.stdout.utf8))
        return (json["violations"]?.arrayValue ?? []).map { violation in
            Found(
                commit: violation["commit"]?.stringValue ?? "", rule: violation["rule"]?.stringValue ?? "",
                severity: violation["severity"]?.stringValue ?? "", path: violation["path"]?.stringValue,
                lines: (violation["lines"]?.arrayValue ?? []).map {
                    ($0.arrayValue ?? []).compactMap { $0.integerValue.map(Int.init) }
                })
        }
    }

    func record(_ fixture: Fixture, _ arguments: String...) async throws {
        let output = try await fixture.sandbox.traceArgs(["record", "HEAD"] + arguments, in: fixture.repository)
        try #require(output.status == 0, "\(output)")
    }

    /// Bob: a second person with his own key, trusted by the auditor.
    func addBob(_ fixture: Fixture) async throws -> String {
        let key = fixture.sandbox.root.appendingPathComponent("bob.pem").path
        let line = try await fixture.trace("keygen", "--output", key, "--no-config", "--email", "bob@example.com")
        try #require(line.status == 0, "\(line)")
        try Data((fixture.signerLine + "\n" + line.stdout).utf8).write(to: fixture.trustFile)
        return key
    }

    func review(_ fixture: Fixture, _ commit: String, key: String?, as email: String) async throws {
        try await fixture.git("config", "user.email", email)
        let output = try await fixture.sandbox.traceArgs(
            ["review", commit] + (key.map { ["--key", $0] } ?? []), in: fixture.repository)
        try #require(output.status == 0, "\(output)")
        try await fixture.git("config", "user.email", "alice@example.com")
    }

    func check(_ fixture: Fixture, _ arguments: String...) async throws -> ProcessOutput {
        try await fixture.sandbox.traceArgs(
            ["check", "--trust", fixture.trustFile.path, "--format", "json"] + arguments, in: fixture.repository)
    }

    /// The history every rule is tried on; returns the fixture and its commits.
    func history() async throws -> (Fixture, [String: String]) {
        let fixture = try await Fixture.make()
        var commits = [String: String]()
        commits["policy"] = try await fixture.commit(Self.policy, to: ".sessiontrace/policy.yml")
        try await record(fixture, "--file", ".sessiontrace/policy.yml", "--lines", "1-11", "--origin", "human")
        // 4 of 4 lines AI: over the 50 % limit.
        commits["all-ai"] = try await fixture.commit(numberedLines(4), to: "a.txt")
        try await record(
            fixture, "--file", "a.txt", "--lines", "1-4", "--agent", "claude-code", "--model",
            "anthropic/claude-sonnet-4-5")
        // 2 of 4 AI (exactly the limit), by a model and an agent the policy does not allow.
        commits["cursor"] = try await fixture.commit(numberedLines(4, prefix: "b"), to: "b.txt")
        try await record(
            fixture, "--file", "b.txt", "--lines", "1-2", "--file", "b.txt", "--lines", "3-4", "--origin", "ai",
            "--origin", "human", "--agent", "cursor", "--model", "google/gemini-2.5-pro")
        // AI lines in a sensitive path, from a denied preview model (1 of 3 lines: under 50 %).
        commits["payments"] = try await fixture.commit(numberedLines(3, prefix: "p"), to: "src/payments/pay.go")
        try await record(
            fixture, "--file", "src/payments/pay.go", "--lines", "2", "--file", "src/payments/pay.go", "--lines",
            "1,3", "--origin", "ai", "--origin", "human", "--agent", "claude-code", "--model",
            "anthropic/claude-next-preview")
        // All AI, but in docs/, where the path group allows 100 %.
        commits["docs"] = try await fixture.commit(numberedLines(5, prefix: "d"), to: "docs/guide.md")
        try await record(
            fixture, "--file", "docs/guide.md", "--lines", "1-5", "--agent", "codex", "--model", "openai/gpt-5-codex")
        // No record at all.
        commits["bare"] = try await fixture.commit("x\n", to: "c.txt")
        return (fixture, commits)
    }

    @Test func eachRuleIsBrokenWhereItShouldBeAndNowhereElse() async throws {
        let (fixture, commits) = try await history()
        let output = try await check(fixture)
        #expect(output.status == 1, "\(output)")
        let expected: [Found] = [
            Found(
                commit: commits["all-ai"]!, rule: "max_ai_share", severity: "error", path: "a.txt", lines: []),
            Found(
                commit: commits["cursor"]!, rule: "models", severity: "error", path: "b.txt", lines: [[1, 2]]),
            Found(
                commit: commits["cursor"]!, rule: "agents", severity: "warning", path: "b.txt", lines: [[1, 2]]),
            Found(
                commit: commits["payments"]!, rule: "sensitive_review", severity: "error",
                path: "src/payments/pay.go", lines: [[2, 2]]),
            Found(
                commit: commits["payments"]!, rule: "models", severity: "error", path: "src/payments/pay.go",
                lines: [[2, 2]]),
            Found(commit: commits["bare"]!, rule: "require_records", severity: "error", path: nil, lines: []),
        ]
        #expect(try Self.found(output) == expected)
        let json = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(json["errors"]?.integerValue == 5 && json["warnings"]?.integerValue == 1, "\(output.stdout)")
        // Each commit is judged by the policy of its parent (the root by its own tree).
        #expect(
            json["policies"]?.arrayValue?.compactMap(\.stringValue)
                == [".sessiontrace/policy.yml@\(commits["policy"]!.prefix(12))"], "\(output.stdout)")
        #expect(output.stderr.contains("check: 6 violations (5 errors, 1 warning) in 6 commits"), "\(output.stderr)")

        // Text: one line per violation, with the fix.
        let text = try await fixture.trace("check", "--trust", fixture.trustFile.path)
        #expect(text.status == 1)
        #expect(text.stdout.split(separator: "\n").count == 6, "\(text.stdout)")
        #expect(
            text.stdout.contains(
                "\(commits["payments"]!.prefix(12)) src/payments/pay.go:2 error sensitive_review: 1 AI-written line in a sensitive path, with 0 of 1 signed independent review (fix: git trace review \(commits["payments"]!.prefix(12)), signed by someone other than its author alice@example.com)"
            ), "\(text.stdout)")
        #expect(text.stdout.contains("from model google/gemini-2.5-pro: not in the allow list"), "\(text.stdout)")
        #expect(text.stdout.contains("from model anthropic/claude-next-preview: denied by '*/*-preview'"))
        #expect(
            text.stdout.contains(
                "4 of the 4 lines commit \(commits["all-ai"]!.prefix(12)) added are AI-written (100.0%)"))

        // A range with only clean commits passes with exit 0; warnings alone do not fail.
        let clean = try await check(fixture, "\(commits["payments"]!)..\(commits["docs"]!)")
        #expect(clean.status == 0, "\(clean)")
        #expect(try Self.found(clean).isEmpty)
        let warningOnly = try await check(
            fixture, "--policy", try policyFile(fixture, "rules:\n  agents: {allow: [codex], severity: warning}\n"),
            "\(commits["all-ai"]!)..\(commits["cursor"]!)")
        #expect(warningOnly.status == 0, "\(warningOnly)")
        #expect(try Self.found(warningOnly).map(\.rule) == ["agents"])
    }

    /// A record whose `rest` (every line it does not list) is AI from a refused model:
    /// the violation names those lines, from the commit's diff, not the whole file.
    @Test func restLinesAreNamedWhereTheCommitAddedThem() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "rules:\n  models: {deny: [\"*/*-preview\"], severity: error}\n", to: ".sessiontrace/policy.yml")
        try await fixture.commit(numberedLines(6), to: "a.txt")
        // Lines 3-4 and 7-8 are new; all of them AI from a preview model (version 2: `rest`).
        try await fixture.commit("line1\nline2\nnew3\nnew4\nline3\nline4\nnew7\nnew8\nline5\nline6\n", to: "a.txt")
        try await record(
            fixture, "--file", "a.txt", "--lines", "3-4,7-8", "--agent", "claude-code", "--model",
            "anthropic/claude-next-preview")
        let output = try await check(fixture, "HEAD~1..HEAD")
        #expect(output.status == 1, "\(output)")
        #expect(try Self.found(output).map(\.lines) == [[[3, 4], [7, 8]]], "\(output.stdout)")
    }

    func policyFile(_ fixture: Fixture, _ text: String) throws -> String {
        try fixture.sandbox.write(text, to: "auditor/policy-\(UUID().uuidString).yml", in: fixture.sandbox.root).path
    }

    @Test func onlyAnotherPersonsVerifiedReviewSatisfiesSensitiveReview() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "sensitive_paths: [src/payments/]\nrules:\n  sensitive_review: {reviews: 1, severity: error}\n",
            to: ".sessiontrace/policy.yml")
        let change = try await fixture.commit(numberedLines(3), to: "src/payments/pay.go")
        try await record(
            fixture, "--file", "src/payments/pay.go", "--lines", "1-3", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        let range = "HEAD~1..HEAD"
        #expect(try await check(fixture, range).status == 1)
        // The author's own review is a self-review: it does not count.
        try await review(fixture, change, key: nil, as: "alice@example.com")
        let selfReviewed = try await check(fixture, range)
        #expect(selfReviewed.status == 1, "\(selfReviewed)")
        #expect(try Self.found(selfReviewed).map(\.rule) == ["sensitive_review"])
        // A review by a key the auditor does not trust does not count either.
        let mallory = fixture.sandbox.root.appendingPathComponent("mallory.pem").path
        #expect(
            try await fixture.trace("keygen", "--output", mallory, "--no-config", "--email", "mallory@example.com")
                .status
                == 0)
        try await review(fixture, change, key: mallory, as: "mallory@example.com")
        #expect(try await check(fixture, range).status == 1)
        // Bob's, signed with a trusted key, does.
        let bob = try await addBob(fixture)
        try await review(fixture, change, key: bob, as: "bob@example.com")
        let reviewed = try await check(fixture, range)
        #expect(reviewed.status == 0, "\(reviewed)")
        #expect(try Self.found(reviewed).isEmpty)
        // Two reviews asked for: one is not enough.
        let two = try await check(
            fixture, range, "--policy",
            try policyFile(
                fixture, "sensitive_paths: [src/]\nrules:\n  sensitive_review: {reviews: 2, severity: error}\n"))
        #expect(two.status == 1)
        #expect(two.stdout.contains("with 1 of 2 signed independent reviews (bob@example.com)"), "\(two.stdout)")
    }

    @Test func aCommitIsJudgedByThePolicyBeforeItNotByOneItWrites() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "rules:\n  max_ai_share: {percent: 0, severity: error}\n", to: ".sessiontrace/policy.yml")
        // This commit raises the limit and adds AI lines: its parent's policy judges it.
        try fixture.sandbox.write(numberedLines(2), to: "a.txt", in: fixture.repository)
        let loosening = try await fixture.commit(
            "rules:\n  max_ai_share: {percent: 100, severity: error}\n", to: ".sessiontrace/policy.yml")
        try await record(
            fixture, "--file", "a.txt", "--lines", "1-2", "--agent", "claude-code", "--model", "anthropic/claude-opus-4"
        )
        // Its child is judged by the new policy.
        let after = try await fixture.commit(numberedLines(2, prefix: "b"), to: "b.txt")
        try await record(
            fixture, "--file", "b.txt", "--lines", "1-2", "--agent", "claude-code", "--model", "anthropic/claude-opus-4"
        )
        let output = try await check(fixture, "HEAD~2..HEAD")
        #expect(output.status == 1, "\(output)")
        #expect(try Self.found(output).map(\.commit) == [loosening], "\(output.stdout)")
        // --policy judges every commit by the file given.
        let strict = try await check(
            fixture, "HEAD~2..HEAD", "--policy",
            try policyFile(fixture, "rules:\n  max_ai_share: {percent: 10, severity: error}\n"))
        #expect(try Self.found(strict).map(\.commit) == [loosening, after], "\(strict.stdout)")
    }

    @Test func aRecordThatDoesNotVerifyIsNoRecord() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "rules:\n  require_records: {severity: error}\n  max_ai_share: {percent: 50, severity: error}\n",
            to: ".sessiontrace/policy.yml")
        try await record(fixture, "--file", ".sessiontrace/policy.yml", "--lines", "1-3", "--origin", "human")
        let commit = try await fixture.commit(numberedLines(4), to: "a.txt")
        // Signed by a key the auditor does not trust: it claims the lines are human.
        let other = fixture.sandbox.root.appendingPathComponent("other.pem").path
        #expect(
            try await fixture.trace("keygen", "--output", other, "--no-config", "--email", "eve@example.com").status
                == 0)
        try await record(fixture, "--file", "a.txt", "--lines", "1-4", "--origin", "human", "--key", other)
        let output = try await check(fixture)
        #expect(output.status == 1, "\(output)")
        #expect(
            try Self.found(output) == [
                Found(commit: commit, rule: "require_records", severity: "error", path: nil, lines: [])
            ])
        #expect(output.stdout.contains("its record does not verify: untrusted-key"), "\(output.stdout)")
        #expect(output.stderr.contains("1 records did not verify and were not used"), "\(output.stderr)")
    }

    @Test func sarifCarriesWhatCodeScanningNeeds() async throws {
        let (fixture, commits) = try await history()
        let output = try await fixture.trace("check", "--trust", fixture.trustFile.path, "--format", "sarif")
        #expect(output.status == 1, "\(output)")
        let sarif = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(sarif["version"]?.stringValue == "2.1.0")
        #expect(sarif["$schema"]?.stringValue?.contains("sarif") == true)
        let run = try #require(sarif["runs"]?.arrayValue?.first)
        let driver = try #require(run["tool"]?["driver"])
        #expect(driver["name"]?.stringValue == "git-trace")
        let ruleIDs = (driver["rules"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(ruleIDs == ["max_ai_share", "sensitive_review", "models", "agents", "require_records"])
        for rule in driver["rules"]?.arrayValue ?? [] {
            #expect(rule["shortDescription"]?["text"]?.stringValue?.isEmpty == false)
        }
        let results = run["results"]?.arrayValue ?? []
        #expect(results.count == 6)
        for result in results {
            let ruleID = try #require(result["ruleId"]?.stringValue)
            #expect(result["ruleIndex"]?.integerValue.map(Int.init) == ruleIDs.firstIndex(of: ruleID))
            #expect(["error", "warning"].contains(result["level"]?.stringValue ?? ""))
            #expect(result["message"]?["text"]?.stringValue?.isEmpty == false)
            let physical = try #require(result["locations"]?.arrayValue?.first?["physicalLocation"])
            #expect(physical["artifactLocation"]?["uri"]?.stringValue?.isEmpty == false)
            #expect((physical["region"]?["startLine"]?.integerValue ?? 0) >= 1)
            #expect(result["partialFingerprints"]?["sessiontrace/v1"]?.stringValue?.isEmpty == false)
        }
        let sensitive = try #require(results.first { $0["ruleId"]?.stringValue == "sensitive_review" })
        let location = sensitive["locations"]?.arrayValue?.first?["physicalLocation"]
        #expect(location?["artifactLocation"]?["uri"]?.stringValue == "src/payments/pay.go")
        #expect(location?["region"]?["startLine"]?.integerValue == 2)
        // A commit-level violation without a file points at the policy.
        let bare = try #require(results.first { $0["ruleId"]?.stringValue == "require_records" })
        #expect(bare["message"]?["text"]?.stringValue?.contains(String(commits["bare"]!.prefix(12))) == true)
        #expect(
            bare["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
                == ".sessiontrace/policy.yml")
    }

    @Test func githubAnnotationsCannotBeBrokenByAPath() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "rules:\n  max_ai_share: {percent: 0, severity: warning}\n", to: ".sessiontrace/policy.yml")
        let path = "odd, name: 100%.txt"
        try await fixture.commit("one\ntwo\n", to: path)
        try await record(
            fixture, "--file", path, "--lines", "2", "--agent", "claude-code", "--model", "anthropic/claude-opus-4")
        let output = try await fixture.trace(
            "check", "--trust", fixture.trustFile.path, "--format", "github", "HEAD~1..HEAD")
        #expect(output.status == 0, "\(output)")  // a warning only
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(output.stdout)")
        #expect(
            lines.first?.hasPrefix("::warning file=odd%2C name%3A 100%25.txt,title=SessionTrace max_ai_share::commit ")
                == true, "\(output.stdout)")
        #expect(
            lines.first?.contains("are AI-written (50.0%25), more than the policy's 0%25") == true, "\(output.stdout)")
    }

    @Test func whatCannotBeCheckedFailsWithOneLine() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            "rules:\n  max_ai_share: {percnt: 50, severity: error}\n", to: ".sessiontrace/policy.yml")
        try await fixture.commit("x\n", to: "a.txt")
        let typo = try await check(fixture)
        #expect(typo.failedCleanly && typo.status == 2, "\(typo)")
        #expect(typo.stderr.contains(".sessiontrace/policy.yml@"), "\(typo.stderr)")
        #expect(
            typo.stderr.contains(":2: unknown rule 'percnt' in max_ai_share (known: percent, severity)"),
            "\(typo.stderr)")
        let noTrust = try await fixture.trace("check")
        #expect(noTrust.failedCleanly && noTrust.status == 2, "\(noTrust)")
        #expect(noTrust.stderr.contains("no trust file"), "\(noTrust)")
        let unknown = try await check(fixture, "nosuch..HEAD")
        #expect(unknown.failedCleanly && unknown.status == 2, "\(unknown)")
        let missing = try await check(fixture, "--policy", "/nonexistent/policy.yml")
        #expect(missing.failedCleanly && missing.status == 2, "\(missing)")
    }

    /// CI checkouts are shallow: the commits present are checked, and a commit whose
    /// parent is past the boundary is judged by the policy in its own tree.
    @Test func aShallowCloneChecksTheCommitsItHas() async throws {
        let (fixture, commits) = try await history()
        let clone = try await fixture.shallowClone(depth: 2)
        let output = try await fixture.sandbox.traceArgs(
            ["check", "--trust", fixture.trustFile.path, "--format", "json"], in: clone)
        #expect(output.status == 1, "\(output)")
        #expect(
            try Self.found(output).map(\.rule) == ["require_records"], "\(output.stdout)")
        let json = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(json["commits"]?.integerValue == 2, "\(output.stdout)")
        // git log shows the boundary commit's whole tree as added: it is not taken as
        // what the commit added (its record's `rest` would make all of it AI).
        #expect(
            json["shallow_boundary"]?.arrayValue?.compactMap(\.stringValue) == [commits["docs"]!], "\(output.stdout)")
        #expect(output.stderr.contains("1 at the shallow clone's boundary"), "\(output.stderr)")
        #expect(
            json["policies"]?.arrayValue?.first?.stringValue
                == ".sessiontrace/policy.yml@\(commits["docs"]!.prefix(12))")
    }
}

/// Waivers (spec/policy.md §7): signed exceptions that count only from an approver who
/// is not the commit's author, and only under the auditor's trust.
@Suite struct WaiverTests {
    let checks = PolicyCheckTests()

    /// An AI change to src/payments/ without review, under a policy whose approvers
    /// are bob and anyone at compliance.example.com.
    func unreviewed() async throws -> (Fixture, bob: String, commit: String) {
        let fixture = try await Fixture.make()
        try await fixture.commit(
            """
            sensitive_paths: [src/payments/]
            approvers: ["bob@example.com", "*@compliance.example.com"]
            rules:
              sensitive_review: {reviews: 1, severity: error}
              max_ai_share: {percent: 50, severity: warning}

            """, to: ".sessiontrace/policy.yml")
        let commit = try await fixture.commit(numberedLines(3), to: "src/payments/pay.go")
        try await checks.record(
            fixture, "--file", "src/payments/pay.go", "--lines", "1-3", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        let bob = try await checks.addBob(fixture)
        return (fixture, bob, commit)
    }

    func waive(_ fixture: Fixture, _ commit: String, rule: String, key: String?, as email: String) async throws
        -> ProcessOutput
    {
        try await fixture.git("config", "user.email", email)
        let output = try await fixture.sandbox.traceArgs(
            ["waive", commit, "--rule", rule, "--reason", "hotfix INC-42, reviewed on the incident call"]
                + (key.map { ["--key", $0] } ?? []), in: fixture.repository)
        try await fixture.git("config", "user.email", "alice@example.com")
        return output
    }

    @Test func anApproversWaiverAcceptsTheViolationAndSaysWhoAndWhy() async throws {
        let (fixture, bob, commit) = try await unreviewed()
        let range = "HEAD~1..HEAD"
        #expect(try await checks.check(fixture, range).status == 1)
        let waived = try await waive(fixture, commit, rule: "sensitive_review", key: bob, as: "bob@example.com")
        #expect(waived.status == 0 && waived.stdout.contains("waived sensitive_review for"), "\(waived)")
        let output = try await checks.check(fixture, range)
        #expect(output.status == 0, "\(output)")
        let json = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(json["errors"]?.integerValue == 0 && json["waived"]?.integerValue == 1, "\(output.stdout)")
        let violations = json["violations"]?.arrayValue ?? []
        let sensitive = try #require(violations.first { $0["rule"]?.stringValue == "sensitive_review" })
        #expect(sensitive["waived"]?["by"]?.stringValue == "bob@example.com")
        #expect(sensitive["waived"]?["reason"]?.stringValue == "hotfix INC-42, reviewed on the incident call")
        // The waiver is for one rule: the AI share warning stays.
        let share = try #require(violations.first { $0["rule"]?.stringValue == "max_ai_share" })
        #expect(share["waived"] == .null)
        let text = try await fixture.trace("check", "--trust", fixture.trustFile.path, range)
        #expect(text.status == 0)
        #expect(
            text.stdout.contains(
                "error sensitive_review: 3 AI-written lines in a sensitive path, with 0 of 1 signed independent review (waived by bob@example.com: hotfix INC-42, reviewed on the incident call)"
            ), "\(text.stdout)")
        #expect(text.stderr.contains("(0 errors, 1 warning, 1 waived)"), "\(text.stderr)")
        // Code scanning shows it dismissed, with the reason.
        let sarif = try await fixture.trace("check", "--trust", fixture.trustFile.path, "--format", "sarif", range)
        let results = try JSONValue(parsing: sarif.stdout)["runs"]?.arrayValue?.first?["results"]?.arrayValue ?? []
        let suppressed = try #require(results.first { $0["ruleId"]?.stringValue == "sensitive_review" })
        #expect(suppressed["suppressions"]?.arrayValue?.first?["status"]?.stringValue == "accepted")
        #expect(results.first { $0["ruleId"]?.stringValue == "max_ai_share" }?["suppressions"] == nil)
        // The report's policy section says the same, and its evidence lists the waiver.
        let report = try await fixture.trace(
            "report", range, "--trust", fixture.trustFile.path, "--format", "json", "--no-tree")
        #expect(report.status == 0, "\(report)")
        let reported = try JSONValue(parsing: report.stdout)
        let section = try #require(reported["policy"])
        #expect(section["waived"]?.integerValue == 1 && section["errors"]?.integerValue == 0, "\(report.stdout)")
        #expect(
            section["violations"]?.arrayValue?.first { $0["rule"]?.stringValue == "sensitive_review" }?["waived"]?[
                "by"]?.stringValue == "bob@example.com")
        let notes = try await fixture.noteLines(commit)
        #expect(
            reported["evidence"]?.arrayValue?.first?["waiver_records"]
                == .array([.string(Envelope.recordDigest(ofLine: notes[1]))]), "\(report.stdout)")
        let markdown = try await fixture.trace(
            "report", range, "--trust", fixture.trustFile.path, "--format", "markdown", "--no-tree")
        #expect(markdown.stdout.contains("waived by bob@example.com: hotfix INC-42"), "\(markdown.stdout)")
        // Without a trust file the report says the rules were not judged.
        let untrusted = try await fixture.trace("report", range, "--format", "markdown", "--no-tree")
        #expect(untrusted.stdout.contains("Not evaluated: rules are judged on verified records only"))
        // verify and show know the record.
        #expect(try await fixture.verify().status == 0)
        let shown = try await fixture.trace("show", commit, "--trust", fixture.trustFile.path)
        #expect(shown.stdout.contains("waived     sensitive_review at"), "\(shown.stdout)")
    }

    @Test func waiversThatDoNotCount() async throws {
        let (fixture, bob, _) = try await unreviewed()
        let range = "HEAD~1..HEAD"
        // The author, even one of the approvers: bob, waiving his own commit.
        try await fixture.git("commit", "-q", "--amend", "--no-edit", "--author", "Bob Builder <bob@example.com>")
        let amended = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        try await checks.record(
            fixture, "--file", "src/payments/pay.go", "--lines", "1-3", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        let own = try await waive(fixture, amended, rule: "sensitive_review", key: bob, as: "bob@example.com")
        #expect(own.status == 0 && own.stderr.contains("will not count"), "\(own)")
        // Not an approver (a trusted key, but carol is not among them).
        let carol = fixture.sandbox.root.appendingPathComponent("carol.pem").path
        let carolLine = try await fixture.trace(
            "keygen", "--output", carol, "--no-config", "--email", "carol@example.com")
        let trusted = try String(contentsOf: fixture.trustFile, encoding: .utf8)
        try Data((trusted + carolLine.stdout).utf8).write(to: fixture.trustFile)
        #expect(
            try await waive(fixture, amended, rule: "sensitive_review", key: carol, as: "carol@example.com").status == 0
        )
        // An approver's name on a key the auditor does not trust.
        let forged = fixture.sandbox.root.appendingPathComponent("forged.pem").path
        #expect(
            try await fixture.trace(
                "keygen", "--output", forged, "--no-config", "--email", "eve@compliance.example.com"
            )
            .status == 0)
        #expect(
            try await waive(fixture, amended, rule: "sensitive_review", key: forged, as: "eve@compliance.example.com")
                .status == 0)
        let output = try await checks.check(fixture, range)
        #expect(output.status == 1, "\(output)")
        let message =
            try JSONValue(parsing: Array(output.stdout.utf8))["violations"]?.arrayValue?.first {
                $0["rule"]?.stringValue == "sensitive_review"
            }?["message"]?.stringValue ?? ""
        #expect(message.contains("a waiver does not count: bob@example.com is the commit's author"), "\(message)")
        #expect(message.contains("carol@example.com is not among the approvers"), "\(message)")
        #expect(!message.contains("eve@"), "\(message)")  // not verified: no waiver at all
    }

    /// A waiver naming another author than the commit's (so that an author could pass
    /// their own waiver as someone else's commit) fails verify, and check ignores it.
    @Test func aWaiverNamingAnotherAuthorIsAProblem() async throws {
        let (fixture, bob, commit) = try await unreviewed()
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let identity = SigningIdentity(
            key: try SigningKey(contentsOfFile: bob), email: "bob@example.com", keyPath: bob)
        let waiver = Waiver(
            tool: ToolInfo(name: "git-trace", version: "0.2.0"),
            signer: SignerInfo(email: "bob@example.com", publicKey: nil),
            waivedAt: "2026-12-01T00:00:00Z",
            author: CommitterStamp(name: "Someone Else", email: "else@example.com", time: "2026-12-01T00:00:00Z"),
            rule: "sensitive_review", reason: "looks fine")
        let statement = Statement(commit: commit, predicate: .waiver(waiver), format: .v2)
        let id = try #require(ObjectID(hex: commit))
        try NotesLedger(repository: repository).append(
            [id: [try RecordBuilder.sign(statement, with: identity.key).line]], message: "waiver")
        let verified = try await fixture.verify()
        #expect(verified.status == 1, "\(verified)")
        #expect(
            verified.stdout.contains(
                "record 2: waiver-mismatch: the waiver names the author as Someone Else <else@example.com>"),
            "\(verified.stdout)")
        #expect(try await checks.check(fixture, "HEAD~1..HEAD").status == 1)
    }

    @Test func waiveRefusesWhatCouldNeverCount() async throws {
        let (fixture, _, commit) = try await unreviewed()
        let unknown = try await fixture.trace("waive", commit, "--rule", "max_ai", "--reason", "x")
        #expect(unknown.failedCleanly && unknown.status != 0, "\(unknown)")
        #expect(unknown.stderr.contains("--rule max_ai: not a rule"), "\(unknown)")
        let empty = try await fixture.trace("waive", commit, "--rule", "models", "--reason", "  ")
        #expect(empty.failedCleanly && empty.status != 0, "\(empty)")
        let noCommit = try await fixture.trace("waive", "nosuch", "--rule", "models", "--reason", "x")
        #expect(noCommit.failedCleanly && noCommit.status == 2, "\(noCommit)")
        #expect(try await fixture.noteLines(commit).count == 1)  // nothing was appended
    }
}

/// `check --alert` (spec/policy.md §8): the policy's command and webhook receive the
/// violations; a failure is said, and fails the check only when the team required it.
@Suite struct AlertTests {
    let checks = PolicyCheckTests()

    /// A loopback HTTP server (python3's http.server) that keeps each POSTed body and
    /// answers 500 on paths starting /fail.
    final class Server {
        let process: ChildProcess
        let port: Int
        let bodies: URL
        let sandbox: Sandbox

        init() throws {
            sandbox = try Sandbox()
            bodies = sandbox.root.appendingPathComponent("bodies")
            let script = """
                import http.server, sys
                class H(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers["Content-Length"]))
                        with open(sys.argv[1], "ab") as f: f.write(self.headers["Content-Type"].encode() + b" " + body)
                        self.send_response(500 if self.path.startswith("/fail") else 200); self.end_headers()
                    def log_message(self, *a): pass
                s = http.server.HTTPServer(("127.0.0.1", 0), H)
                print(s.server_address[1], flush=True)
                s.serve_forever()
                """
            // ChildProcess, the package's one way of starting processes (Foundation's
            // Process reaps children it did not start, which stalls the others).
            process = try ChildProcess(
                "python3", arguments: ["-c", script, bodies.path].map { Array($0.utf8) },
                environment: sandbox.environment, directory: sandbox.root.path, standardInput: .none)
            port = process.readLine().flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        }

        func stop() {
            kill(process.identifier, SIGTERM)
            _ = process.wait()
        }
    }

    func repository(alerts: String) async throws -> Fixture {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write(
            "#!/bin/sh\ncat > \"$(dirname \"$0\")/../alerted.json\"\n", to: "scripts/notify", in: fixture.repository)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: fixture.repository.appendingPathComponent("scripts/notify").path)
        try await fixture.commit(
            "rules:\n  max_ai_share: {percent: 10, severity: error}\n" + alerts, to: ".sessiontrace/policy.yml")
        try await fixture.commit(numberedLines(2), to: "a.txt")
        try await checks.record(
            fixture, "--file", "a.txt", "--lines", "1-2", "--agent", "claude-code", "--model", "anthropic/claude-opus-4"
        )
        return fixture
    }

    @Test func theCommandGetsTheViolationsOnlyWhenAskedFor() async throws {
        let fixture = try await repository(alerts: "alerts:\n  command: scripts/notify\n")
        let alerted = fixture.repository.appendingPathComponent("alerted.json")
        let quiet = try await checks.check(fixture, "HEAD~1..HEAD")
        #expect(quiet.status == 1 && quiet.stderr.contains("alerts not sent: pass --alert"), "\(quiet)")
        #expect(!FileManager.default.fileExists(atPath: alerted.path))
        let sent = try await checks.check(fixture, "HEAD~1..HEAD", "--alert")
        #expect(sent.status == 1, "\(sent)")
        let json = try JSONValue(parsing: Array(try Data(contentsOf: alerted)))
        #expect(json["violations"]?.arrayValue?.first?["rule"]?.stringValue == "max_ai_share", "\(json)")
        #expect(json == (try JSONValue(parsing: Array(sent.stdout.utf8))))
    }

    @Test func theWebhookIsPostedTheSameJSON() async throws {
        let server = try Server()
        defer { server.stop() }
        let fixture = try await repository(alerts: "alerts:\n  webhook: http://127.0.0.1:\(server.port)/hooks/abc\n")
        let sent = try await checks.check(fixture, "HEAD~1..HEAD", "--alert")
        #expect(sent.status == 1, "\(sent)")
        let body = try String(contentsOf: server.bodies, encoding: .utf8)
        #expect(body.hasPrefix("application/json {"), "\(body)")
        #expect(body.contains("\"rule\":\"max_ai_share\""), "\(body)")
    }

    @Test func aFailedAlertIsSaidAndFailsTheCheckOnlyWhenRequired() async throws {
        let server = try Server()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/fail/secret-token"
        let optional = try await repository(alerts: "alerts:\n  webhook: \(url)\n  command: scripts/missing\n")
        let warned = try await checks.check(optional, "HEAD~1..HEAD", "--alert")
        #expect(warned.status == 1, "\(warned)")  // the violation's status, not the alert's
        #expect(
            warned.stderr.contains("warning: alert webhook http://127.0.0.1:\(server.port): exit status 22"),
            "\(warned.stderr)")
        #expect(warned.stderr.contains("warning: alert command scripts/missing: cannot start"), "\(warned.stderr)")
        #expect(!warned.stderr.contains("secret-token"), "\(warned.stderr)")
        let required = try await repository(alerts: "alerts:\n  webhook: \(url)\n  required: true\n")
        let failed = try await checks.check(required, "HEAD~1..HEAD", "--alert")
        #expect(failed.status == 2, "\(failed)")
        #expect(failed.stderr.contains("error: alert webhook"), "\(failed.stderr)")
    }

    /// A notifier that hangs (and a child it started that keeps the output open) is
    /// stopped at the policy's timeout: the check ends, says so, and nothing is left running.
    @Test func aHungAlertIsStoppedAtItsTimeout() async throws {
        let fixture = try await repository(alerts: "alerts:\n  command: scripts/hang\n  timeout: 1\n  required: true\n")
        let marker = fixture.sandbox.root.appendingPathComponent("still-running")
        try fixture.sandbox.write(
            "#!/bin/sh\n(sleep 30; touch '\(marker.path)') &\nsleep 30\n", to: "scripts/hang", in: fixture.repository)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: fixture.repository.appendingPathComponent("scripts/hang").path)
        try await fixture.git("add", "-A")
        try await fixture.git("commit", "-q", "-m", "hang")
        let started = Date()
        let output = try await checks.check(fixture, "HEAD~2..HEAD", "--alert")
        #expect(Date().timeIntervalSince(started) < 20, "the check waited for the hung alert")
        #expect(output.status == 2, "\(output)")
        #expect(
            output.stderr.contains("error: alert command scripts/hang: did not finish within 1 s, stopped"),
            "\(output.stderr)")
        let survivors = try await fixture.sandbox.run("pgrep", ["-f", "sleep 30; touch"], in: fixture.repository)
        #expect(survivors.stdout.isEmpty, "left running: \(survivors.stdout)")
    }
}

@Suite struct PolicyEnforcementTests {
    /// A repository whose team committed its trust file and a policy, with only the
    /// pre-push hook of `init` left in place (records are made by hand), and a remote.
    func team() async throws -> (Fixture, bob: String, remote: URL) {
        let fixture = try await Fixture.make(commitHooks: true)
        for hook in ["post-commit", "post-merge", "post-rewrite"] {
            try FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".git/hooks/\(hook)"))
        }
        let checks = PolicyCheckTests()
        let bob = try await checks.addBob(fixture)
        try fixture.sandbox.write(
            try String(contentsOf: fixture.trustFile, encoding: .utf8), to: ".sessiontrace/allowed_signers",
            in: fixture.repository)
        try await fixture.commit(
            "sensitive_paths: [src/payments/]\nrules:\n  sensitive_review: {reviews: 1, severity: error}\n",
            to: ".sessiontrace/policy.yml")
        let remote = fixture.sandbox.root.appendingPathComponent("remote.git")
        _ = try await fixture.sandbox.git("init", "-q", "--bare", remote.path, in: fixture.sandbox.root)
        try await fixture.git("remote", "add", "origin", remote.path)
        let first = try await fixture.sandbox.run("git", ["push", "-q", "origin", "HEAD:main"], in: fixture.repository)
        try #require(first.status == 0, "\(first)")
        return (fixture, bob, remote)
    }

    func remoteMain(_ remote: URL, _ fixture: Fixture) async throws -> String {
        try await fixture.sandbox.git("rev-parse", "main", in: remote).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func prePushRefusesAnUnreviewedAIChangeToPaymentsUntilAnotherPersonReviewsIt() async throws {
        let (fixture, bob, remote) = try await team()
        let before = try await remoteMain(remote, fixture)
        let change = try await fixture.commit(numberedLines(3, prefix: "pay"), to: "src/payments/pay.go")
        try await PolicyCheckTests().record(
            fixture, "--file", "src/payments/pay.go", "--lines", "1-3", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")

        let refused = try await fixture.sandbox.run("git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("src/payments/pay.go:1-3 error sensitive_review"), "\(refused.stderr)")
        #expect(refused.stderr.contains("git-trace: push refused by 1 policy error"), "\(refused.stderr)")
        #expect(try await remoteMain(remote, fixture) == before)

        // The author's own review does not let it through.
        try await PolicyCheckTests().review(fixture, change, key: nil, as: "alice@example.com")
        let selfReviewed = try await fixture.sandbox.run(
            "git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(selfReviewed.status != 0, "\(selfReviewed)")

        // Bob's does.
        try await PolicyCheckTests().review(fixture, change, key: bob, as: "bob@example.com")
        let pushed = try await fixture.sandbox.run("git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(pushed.status == 0, "\(pushed)")
        #expect(try await remoteMain(remote, fixture) == change)
        // And the records went with it (the hook's sync), Bob's review among them.
        let notes = try await fixture.sandbox.git("notes", "--ref", "sessiontrace", "show", change, in: remote)
        #expect(notes.split(separator: "\n").count == 3, "\(notes)")
    }

    @Test func aBypassedPushIsStillSeenByCheck() async throws {
        let (fixture, _, remote) = try await team()
        let change = try await fixture.commit(numberedLines(2), to: "src/payments/refund.go")
        try await PolicyCheckTests().record(
            fixture, "--file", "src/payments/refund.go", "--lines", "1-2", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        let bypass = try await fixture.sandbox.run(
            "git", ["push", "-q", "--no-verify", "origin", "HEAD:main", "refs/notes/sessiontrace"],
            in: fixture.repository)
        #expect(bypass.status == 0, "\(bypass)")
        #expect(try await remoteMain(remote, fixture) == change)
        // CI: a clone of the remote, with the records, checks what was pushed.
        let ci = fixture.sandbox.root.appendingPathComponent("ci")
        _ = try await fixture.sandbox.git("clone", "-q", remote.path, ci.path, in: fixture.sandbox.root)
        _ = try await fixture.sandbox.git(
            "fetch", "-q", "origin", "refs/notes/sessiontrace:refs/notes/sessiontrace", in: ci)
        let check = try await fixture.sandbox.traceArgs(
            ["check", "--trust", fixture.trustFile.path, "HEAD~1..HEAD"], in: ci)
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("src/payments/refund.go:1-2 error sensitive_review"), "\(check.stdout)")
    }

    /// Only a rule the team turned on blocks: no rules, a warning rule, or a policy the
    /// hook cannot read let the push through (the last with one line on stderr).
    @Test func nothingButAnErrorRuleBlocksAPush() async throws {
        let (fixture, _, remote) = try await team()
        try await fixture.commit(
            "sensitive_paths: [src/payments/]\nrules:\n  sensitive_review: {reviews: 1, severity: warning}\n",
            to: ".sessiontrace/policy.yml")
        try await fixture.commit(numberedLines(2), to: "src/payments/a.go")
        try await PolicyCheckTests().record(
            fixture, "--file", "src/payments/a.go", "--lines", "1-2", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        let warned = try await fixture.sandbox.run("git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(warned.status == 0, "\(warned)")
        #expect(warned.stderr.contains("warning sensitive_review"), "\(warned.stderr)")
        try await fixture.commit("rules: [\n", to: ".sessiontrace/policy.yml")
        try await fixture.commit(numberedLines(2), to: "src/payments/b.go")
        let broken = try await fixture.sandbox.run("git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(broken.status == 0, "\(broken)")
        #expect(broken.stderr.contains("git-trace: pre-push: .sessiontrace/policy.yml@"), "\(broken.stderr)")
        #expect(
            try await remoteMain(remote, fixture)
                == (try await fixture.git("rev-parse", "HEAD")).trimmingCharacters(in: .newlines))
    }

    /// Without a trust file in the repository the push is not checked, and the hook says
    /// so whenever the policy has rules, those of a path group alone included.
    @Test func anUncheckedPushIsSaidEvenForPathGroupRulesAlone() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit(
            "rules:\n  paths:\n    - {match: [src/], max_ai_share: {percent: 10, severity: error}}\n",
            to: ".sessiontrace/policy.yml")
        let remote = fixture.sandbox.root.appendingPathComponent("remote.git")
        _ = try await fixture.sandbox.git("init", "-q", "--bare", remote.path, in: fixture.sandbox.root)
        try await fixture.git("remote", "add", "origin", remote.path)
        let pushed = try await fixture.sandbox.run("git", ["push", "origin", "HEAD:main"], in: fixture.repository)
        #expect(pushed.status == 0, "\(pushed)")
        #expect(
            pushed.stderr.contains(
                "git-trace: policy not checked before the push: no .sessiontrace/allowed_signers to verify records with"
            ),
            "\(pushed.stderr)")
    }

    /// The pre-commit hook: staged lines an agent wrote with a model the policy does not
    /// allow refuse the commit; a warning rule does not; --no-verify bypasses it.
    @Test func preCommitRefusesStagedLinesFromAModelThePolicyDoesNotAllow() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let hook = fixture.repository.appendingPathComponent(".git/hooks/pre-commit").path
        #expect(!FileManager.default.fileExists(atPath: hook))  // no policy: no hook to pay for
        // The commit that brings the rules installs the hook (its post-commit job).
        func commitInForeground(_ message: String) async throws -> ProcessOutput {
            try await fixture.git("add", "-A")
            return try await fixture.sandbox.run(
                "git", ["commit", "-q", "-m", message], in: fixture.repository,
                environment: ["SESSIONTRACE_FOREGROUND": "1"])
        }
        try fixture.sandbox.write(
            "rules:\n  models: {allow: [\"openai/*\"], severity: error}\n  agents: {allow: [codex], severity: warning}\n",
            to: ".sessiontrace/policy.yml", in: fixture.repository)
        #expect(try await commitInForeground("policy").status == 0)
        #expect(FileManager.default.isExecutableFile(atPath: hook))
        let before = try await fixture.git("rev-parse", "HEAD")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: "one\ntwo\n")
        try await fixture.git("add", "-A")
        let refused = try await fixture.sandbox.run("git", ["commit", "-q", "-m", "ai"], in: fixture.repository)
        #expect(refused.status != 0, "\(refused)")
        #expect(
            refused.stderr.contains(
                "git-trace: a.txt:1-2 error models: 2 AI-written lines from model anthropic/claude-sonnet-4-5-20250929: not in the allow list (openai/*)"
            ), "\(refused.stderr)")
        #expect(refused.stderr.contains("git-trace: a.txt:1-2 warning agents:"), "\(refused.stderr)")
        #expect(refused.stderr.contains("git-trace: commit refused by 1 policy error"), "\(refused.stderr)")
        #expect(try await fixture.git("rev-parse", "HEAD") == before)
        // A person's own lines pass; the bypass is git's own.
        let bypass = try await fixture.sandbox.run(
            "git", ["commit", "-q", "--no-verify", "-m", "ai"], in: fixture.repository)
        #expect(bypass.status == 0, "\(bypass)")
        try fixture.sandbox.write("mine\n", to: "b.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        let human = try await fixture.sandbox.run("git", ["commit", "-q", "-m", "mine"], in: fixture.repository)
        #expect(human.status == 0 && human.stderr.isEmpty, "\(human)")
        // A policy without models or agents rules takes the hook away again.
        try fixture.sandbox.write(
            "rules:\n  max_ai_share: {percent: 90, severity: warning}\n", to: ".sessiontrace/policy.yml",
            in: fixture.repository)
        #expect(try await commitInForeground("looser").status == 0)
        #expect(!FileManager.default.fileExists(atPath: hook))
    }

    /// A branch with model rules reached by `git switch`, not by a commit: the
    /// post-checkout hook installs pre-commit before the next commit; a linked worktree
    /// on that branch keeps it while the main one switches back.
    @Test func aBranchSwitchBringsThePolicysPreCommitHookAndWorktreesShareIt() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        let hook = fixture.repository.appendingPathComponent(".git/hooks/pre-commit").path
        try await fixture.commit("seed\n", to: "README")
        try await fixture.git("switch", "-q", "-c", "strict")
        try await fixture.commit(
            "rules:\n  models: {allow: [\"openai/*\"], severity: error}\n", to: ".sessiontrace/policy.yml")
        // Back on main (no policy), the hook goes; a file checkout changes nothing.
        try await fixture.git("switch", "-q", "main")
        #expect(!FileManager.default.fileExists(atPath: hook))
        try await fixture.git("checkout", "strict", "--", ".sessiontrace/policy.yml")
        #expect(!FileManager.default.fileExists(atPath: hook))
        try await fixture.git("reset", "-q", "--hard")
        try await fixture.git("switch", "-q", "strict")
        #expect(FileManager.default.isExecutableFile(atPath: hook))
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Write", "a.txt", write: "one\n")
        try await fixture.git("add", "-A")
        let refused = try await fixture.sandbox.run("git", ["commit", "-q", "-m", "ai"], in: fixture.repository)
        #expect(refused.status != 0 && refused.stderr.contains("error models:"), "\(refused)")
        try await fixture.git("reset", "-q", "--hard")
        // A second work tree stays on the strict branch while this one leaves it.
        try await fixture.git("switch", "-q", "-c", "strict-too")
        let other = fixture.sandbox.root.appendingPathComponent("other")
        try await fixture.git("worktree", "add", "-q", other.path, "strict")
        try await fixture.git("switch", "-q", "main")
        #expect(FileManager.default.isExecutableFile(atPath: hook), "the other work tree still needs it")
        try await fixture.git("worktree", "remove", other.path)
        try await fixture.git("switch", "-q", "strict-too")
        try await fixture.git("switch", "-q", "main")
        #expect(!FileManager.default.fileExists(atPath: hook))
    }

    /// git-extensions/ci/pre-receive on a bare remote: the server refuses what the
    /// policy refuses even when the client skips its hooks, for new and updated refs.
    @Test func theServerRecipeRefusesWhatNoClientHookStopped() async throws {
        let (fixture, bob, remote) = try await team()
        let hook = remote.appendingPathComponent("hooks/pre-receive")
        try FileManager.default.copyItem(
            at: InteropTests.packageRoot.appendingPathComponent("git-extensions/ci/pre-receive"), to: hook)
        _ = try await fixture.sandbox.git("config", "sessiontrace.serverTrust", fixture.trustFile.path, in: remote)
        let before = try await remoteMain(remote, fixture)
        let change = try await fixture.commit(numberedLines(3), to: "src/payments/pay.go")
        try await PolicyCheckTests().record(
            fixture, "--file", "src/payments/pay.go", "--lines", "1-3", "--agent", "claude-code", "--model",
            "anthropic/claude-opus-4")
        func push(_ refspecs: String...) async throws -> ProcessOutput {
            try await fixture.sandbox.run(
                "git", ["push", "--no-verify", "origin"] + refspecs, in: fixture.repository)
        }
        // The records first (the server checks what it already has), then the code.
        #expect(try await push("refs/notes/sessiontrace").status == 0)
        let refused = try await push("HEAD:main")
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("src/payments/pay.go:1-3 error sensitive_review"), "\(refused.stderr)")
        #expect(refused.stderr.contains("sessiontrace: push refused by the policy"), "\(refused.stderr)")
        #expect(try await remoteMain(remote, fixture) == before)
        // A new branch is checked for the commits no existing ref reaches.
        let branch = try await push("HEAD:refs/heads/feature")
        #expect(branch.status != 0, "\(branch)")
        // Reviewed by Bob, records pushed: the server lets both through.
        try await PolicyCheckTests().review(fixture, change, key: bob, as: "bob@example.com")
        #expect(try await push("refs/notes/sessiontrace").status == 0)
        let accepted = try await push("HEAD:main", "HEAD:refs/heads/feature")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(try await remoteMain(remote, fixture) == change)
    }
}
