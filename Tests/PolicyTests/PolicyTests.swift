import Policy
import Records
import Testing

@Suite struct PathPatternTests {
    func matches(_ pattern: String, _ path: String) throws -> Bool { try PathPattern(pattern).matches(path) }

    @Test func patternsFollowGitignoreConventions() throws {
        // Anchored directory patterns cover everything under them.
        #expect(try matches("src/payments/**", "src/payments/charge.go"))
        #expect(try matches("src/payments/**", "src/payments/deep/er/refund.go"))
        #expect(try matches("src/payments/", "src/payments/charge.go"))
        #expect(try matches("src/payments", "src/payments/charge.go"))
        #expect(try matches("/src/payments", "src/payments/charge.go"))
        #expect(try !matches("src/payments/**", "src/paymentsx/charge.go"))
        #expect(try !matches("src/payments/**", "lib/src/payments/charge.go"))
        // `*` and `?` stay inside one segment.
        #expect(try matches("src/*.go", "src/main.go"))
        #expect(try !matches("src/*.go", "src/sub/main.go"))
        #expect(try matches("src/?.go", "src/a.go"))
        #expect(try !matches("src/?.go", "src/ab.go"))
        // `**` spans any number of segments, none included.
        #expect(try matches("**/auth/**", "auth/login.swift"))
        #expect(try matches("**/auth/**", "services/api/auth/login.swift"))
        #expect(try matches("src/**/keys.json", "src/keys.json"))
        #expect(try matches("src/**/keys.json", "src/a/b/keys.json"))
        // No slash: a name at any depth.
        #expect(try matches("*.pem", "deploy/certs/server.pem"))
        #expect(try matches("secrets", "config/secrets/db.yml"))
        #expect(try !matches("*.pem", "deploy/certs/server.pem.txt"))
    }

    @Test func emptyPatternsAreRefused() {
        #expect(throws: PolicyError.self) { try PathPattern("") }
        #expect(throws: PolicyError.self) { try PathPattern("/") }
    }
}

@Suite struct PolicyFileTests {
    @Test func readsSensitivePaths() throws {
        let policy = try Policy(
            yaml: "version: 1\nsensitive_paths:\n  - src/payments/\n  - \"*.pem\"\n", source: "policy.yml")
        #expect(policy.sensitivePaths.map(\.text) == ["src/payments/", "*.pem"])
        #expect(policy.isSensitive("src/payments/a.go"))
        #expect(!policy.isSensitive("src/web/a.go"))
        #expect(try Policy(yaml: "", source: "empty.yml").sensitivePaths.isEmpty)
    }

    @Test func badPoliciesFailWithOneLineNamingTheProblem() {
        let cases: [(String, String)] = [
            ("sensitive_path:\n  - src/\n", "unknown rule 'sensitive_path'"),
            ("sensitive_paths: src/\n", "sensitive_paths must be a list"),
            ("sensitive_paths:\n  - 3\n", "sensitive_paths must be a list"),
            ("version: 2\n", "version must be 1"),
            ("- a\n- b\n", "must be a mapping"),
            ("sensitive_paths: [unclosed\n", "not valid YAML"),
            // Found by fuzzing: Yams' own conversion crashed on a key that is not a string.
            ("version: 1\nse-s:\n (- srcpaths:\n  ? cs/rt:\n  -se-]srcpathaths:\n\n", "p.yml:"),
            ("? [a, b]\n: c\n", "a rule's name must be a plain word"),
            ("? {x: 1}: 2\n", "p.yml:"),
            ("version: 1\nversion: 1\n", "duplicated key(s): 'version'"),
            ("sensitive_paths: &a [x]\nversion: *a\n", "version must be 1"),
        ]
        expectRefused(cases)
    }
}

@Suite struct PolicyRulesTests {
    static let full = """
        version: 1
        sensitive_paths: [src/payments/, "**/auth/**"]
        approvers: ["security@acme.io", "*@compliance.acme.io"]
        rules:
          max_ai_share:      {percent: 80, severity: warning}
          sensitive_review:  {reviews: 1, severity: error}
          models:            {allow: ["anthropic/*", "openai/gpt-5*"], deny: ["*/*-preview"], severity: error}
          agents:            {allow: [claude-code, cursor, codex], severity: warning}
          require_records:   {severity: error}
          paths:
            - {match: ["docs/**"], max_ai_share: {percent: 100}}
            - {match: ["src/payments/**"], sensitive_review: {reviews: 2}, models: {allow: ["anthropic/claude-opus-*"]}}
        alerts:
          command: scripts/notify-compliance   # violations as JSON on stdin
          webhook: https://chat.example.com/hooks/abc   # POSTs the same JSON

        """

    @Test func readsTheIssuesExampleWhole() throws {
        let policy = try Policy(yaml: Self.full, source: "p.yml")
        #expect(policy.rules.maxAIShare == Rules.MaxAIShare(percent: 80, severity: .warning))
        #expect(policy.rules.sensitiveReview == Rules.SensitiveReview(reviews: 1, severity: .error))
        #expect(policy.rules.models?.allow?.map(\.text) == ["anthropic/*", "openai/gpt-5*"])
        #expect(policy.rules.models?.deny.map(\.text) == ["*/*-preview"])
        #expect(policy.rules.agents?.severity == .warning)
        #expect(policy.rules.requireRecords?.severity == .error)
        #expect(policy.approvers.map(\.text) == ["security@acme.io", "*@compliance.acme.io"])
        #expect(
            policy.alerts
                == Alerts(
                    command: "scripts/notify-compliance", webhook: "https://chat.example.com/hooks/abc", required: false
                ))
        // A path group's rule without severity takes the top-level one's.
        #expect(policy.rules(for: "docs/a.md").maxAIShare == Rules.MaxAIShare(percent: 100, severity: .warning))
        #expect(policy.rules(for: "src/payments/pay.go").sensitiveReview?.reviews == 2)
        #expect(policy.rules(for: "src/payments/pay.go").maxAIShare?.percent == 80)
        #expect(policy.rules(for: "src/payments/pay.go").models?.allow?.map(\.text) == ["anthropic/claude-opus-*"])
        #expect(policy.rules(for: "src/web/a.go") == policy.rules)
        // Model and agent lists: deny wins, an allow list must match, names ignore case.
        let models = try #require(policy.rules.models)
        #expect(models.refusal(of: "anthropic/claude-sonnet-4-5") == nil)
        #expect(models.refusal(of: "OpenAI/GPT-5-codex") == nil)
        #expect(models.refusal(of: "openai/gpt-4o")?.contains("not in the allow list") == true)
        #expect(models.refusal(of: "anthropic/claude-x-preview") == "denied by '*/*-preview'")
    }

    /// A waiver names its rule as check does: the two lists are one.
    @Test func waiversNameTheRulesCheckReports() {
        #expect(Violation.Rule.allCases.map(\.rawValue) == Waiver.rules)
    }

    @Test func namePatternsMatchWholeNames() {
        #expect(NamePattern("openai/gpt-5*").matches("openai/gpt-5"))
        #expect(NamePattern("openai/gpt-5*").matches("openai/gpt-5-codex"))
        #expect(!NamePattern("openai/gpt-5*").matches("openai/gpt-4o"))
        #expect(!NamePattern("gpt-5").matches("openai/gpt-5"))
        #expect(NamePattern("*@compliance.acme.io").matches("Ann@Compliance.Acme.io"))
        #expect(!NamePattern("*@compliance.acme.io").matches("ann@evil-compliance.acme.io.example"))
        #expect(NamePattern("c?dex").matches("codex") && !NamePattern("c?dex").matches("cdex"))
        #expect(NamePattern("**").matches("") && NamePattern("a**b").matches("ab"))
    }

    /// Every refusal names the file and the line of the mistake, in one line.
    @Test func mistakesAreRefusedAtTheirLine() {
        let cases: [(String, String)] = [
            (
                "rules:\n  max_ai_share: {percent: 80, severty: warning}\n",
                "p.yml:2: unknown rule 'severty' in max_ai_share"
            ),
            (
                "rules:\n  max_ai_share: {percent: 101, severity: warning}\n",
                "p.yml:2: percent must be a whole number from 0 to 100"
            ),
            (
                "rules:\n  max_ai_share: {percent: -1, severity: warning}\n",
                "percent must be a whole number from 0 to 100"
            ),
            ("rules:\n  max_ai_share: {percent: \"80\", severity: warning}\n", "percent must be a whole number"),
            ("rules:\n  max_ai_share: {percent: 80.5, severity: warning}\n", "percent must be a whole number"),
            ("rules:\n  max_ai_share: {severity: warning}\n", "p.yml:2: max_ai_share needs percent"),
            ("rules:\n  max_ai_share: {percent: 80}\n", "p.yml:2: max_ai_share needs a severity (error or warning)"),
            ("rules:\n  max_ai_share: {percent: 80, severity: fatal}\n", "severity must be error or warning"),
            (
                "rules:\n  max_ai_shares: {percent: 80, severity: error}\n",
                "p.yml:2: unknown rule 'max_ai_shares' in rules"
            ),
            (
                "rules:\n  sensitive_review: {reviews: 0, severity: error}\n",
                "reviews must be a whole number from 1 to 10"
            ),
            (
                "rules:\n  models: {allow: [gpt-5], severity: error}\n",
                "p.yml:2: model pattern 'gpt-5' matches no model id"
            ),
            ("rules:\n  models: {deny: [\"/x\"], severity: error}\n", "model pattern '/x' matches no model id"),
            ("rules:\n  models: {severity: error}\n", "models needs allow or deny"),
            (
                "rules:\n  models: {allow: anthropic/*, severity: error}\n",
                "models.allow must be a list of model patterns"
            ),
            (
                "rules:\n  agents: {allow: [\"claude code\"], severity: error}\n",
                "agent pattern 'claude code' matches no agent"
            ),
            ("rules:\n  require_records: {}\n", "require_records needs a severity"),
            ("rules:\n  require_records: error\n", "require_records must be a mapping of severity"),
            ("approvers: [security]\n", "p.yml:1: approver 'security' matches no e-mail address"),
            ("approvers: [\"@acme.io\"]\n", "approver '@acme.io' matches no e-mail address"),
            ("approvers: [\"a@b@c.io\"]\n", "approver 'a@b@c.io' matches no e-mail address"),
            ("approvers: [\"a@localhost\"]\n", "approver 'a@localhost' matches no e-mail address"),
            (
                "rules:\n  paths:\n    - {max_ai_share: {percent: 1, severity: error}}\n",
                "p.yml:3: a path group needs match"
            ),
            (
                "rules:\n  paths:\n    - {match: [], max_ai_share: {percent: 1, severity: error}}\n",
                "match must name at least one path pattern"
            ),
            (
                "rules:\n  paths:\n    - {match: [docs/], require_records: {severity: error}}\n",
                "unknown rule 'require_records' in a path group"
            ),
            (
                "rules:\n  paths:\n    - {match: [docs/], max_ai_share: {percent: 1}}\n",
                "there is no top-level max_ai_share to take it from"
            ),
            ("rules:\n  paths: {match: [docs/]}\n", "paths must be a list"),
            ("rules: [max_ai_share]\n", "p.yml:1: rules must be a mapping of max_ai_share"),
            ("alerts: {}\n", "p.yml:1: alerts needs a command or a webhook"),
            ("alerts: {webhook: ftp://x.example.com/h}\n", "webhook must be an http:// or https:// URL"),
            ("alerts: {webhook: \"https://x.example.com/a b\"}\n", "webhook must be an http:// or https:// URL"),
            ("alerts: {command: scripts/n, required: yes please}\n", "required must be true or false"),
            ("alerts: {command: scripts/n, timeout: 0}\n", "timeout must be a whole number of seconds from 1 to 300"),
            ("alerts: {command: scripts/n, timeout: 2.5}\n", "timeout must be a whole number of seconds from 1 to 300"),
            ("alerts: {command: scripts/n, timeout: 301}\n", "timeout must be a whole number of seconds from 1 to 300"),
            ("alerts: {command: [a]}\n", "command must be a program's path"),
            ("alerts: {command: a, mail: x@y.z}\n", "unknown rule 'mail' in alerts"),
        ]
        expectRefused(cases)
    }

    /// An empty allow list is a rule too: no AI-written line may be there.
    @Test func anEmptyAllowListAllowsNoModel() throws {
        let policy = try Policy(
            yaml:
                "rules:\n  models: {allow: [\"anthropic/*\"], severity: error}\n  paths:\n    - {match: [crypto/], models: {allow: []}}\n",
            source: "p.yml")
        #expect(
            policy.rules(for: "crypto/aes.c").models?.refusal(of: "anthropic/claude-opus-4")
                == "no name is allowed here")
        #expect(policy.rules(for: "crypto/aes.c").models?.severity == .error)
        #expect(policy.rules(for: "src/a.c").models?.refusal(of: "anthropic/claude-opus-4") == nil)
    }
}

/// Each policy text is refused with one line that starts `p.yml:<line>` and says `expected`.
func expectRefused(_ cases: [(text: String, expected: String)]) {
    for (text, expected) in cases {
        do {
            _ = try Policy(yaml: text, source: "p.yml")
            Issue.record("accepted: \(text)")
        } catch let error as PolicyError {
            #expect(error.description.hasPrefix("p.yml:"), "\(error)")
            #expect(error.description.contains(expected), "\(text) → \(error)")
            #expect(!error.description.contains("\n"), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
