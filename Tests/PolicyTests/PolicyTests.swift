import Policy
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
        for (text, expected) in cases {
            do {
                _ = try Policy(yaml: text, source: "p.yml")
                Issue.record("accepted: \(text)")
            } catch let error as PolicyError {
                #expect(error.description.hasPrefix("p.yml:"), "\(error)")
                #expect(error.description.contains(expected), "\(error)")
                #expect(!error.description.contains("\n"), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
