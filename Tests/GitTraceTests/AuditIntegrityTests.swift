import CanonicalJSON
import Foundation
import Git
import Hex
import Keys
import Ledger
import Records
import Signing
import TestSupport
import Testing
import Verification

/// What `verify` and the reports say must hold under attack and accident: each test
/// here is a way the audit trail was once bent (issue 11), on a real repository with
/// the real binary.
@Suite struct AuditIntegrityTests {
    func recorded(name: String = #function, format: Int? = nil) async throws -> (Fixture, String) {
        try await Fixture.recorded(name: name, format: format)
    }

    // MARK: Revoked keys and trust files are read strictly

    @Test func revocationWithCRLFLineEndingsStillRevokes() async throws {
        let (fixture, _) = try await recorded()
        let key = fixture.signerLine.split(separator: " ", maxSplits: 1)[1]
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        for (name, text) in [
            ("crlf-key", "# compromised\r\n\(key) laptop\r\n"),
            ("crlf-fingerprint", "# compromised\r\n\(fingerprint)\r\n"),
            ("tab-comment", "\(fingerprint)\t# laptop, stolen\n"),
            ("tab-key", "\t\(key)\t# laptop\n"),
        ] {
            let file = try fixture.sandbox.write(text, to: name, in: fixture.sandbox.root)
            let result = try await fixture.verify("--revoked", file.path)
            #expect(result.status == 1, "\(name): \(result)")
            #expect(
                result.stdout.contains(": revoked-key: signed by \(fingerprint), which is revoked"),
                "\(name): \(result)")
        }
    }

    @Test func repositoryRevocationFileWithCRLFRevokes() async throws {
        let (fixture, _) = try await recorded()
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        try fixture.sandbox.write(
            fixture.signerLine + "\r\n", to: ".sessiontrace/allowed_signers", in: fixture.repository)
        try fixture.sandbox.write(
            "# revoked\r\n\(fingerprint)\r\n", to: ".sessiontrace/revoked_keys", in: fixture.repository)
        try await fixture.sandbox.commitAll("trust", in: fixture.repository)
        let result = try await fixture.trace("verify")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("revoked-key"), "\(result)")
    }

    @Test func malformedRevocationLineIsRefusedNamingFileAndLine() async throws {
        let (fixture, _) = try await recorded()
        let fingerprint = try fixture.signingKey().publicKey.fingerprint
        for (text, line) in [
            ("# ok\n\(fingerprint.dropLast())\n", 2),  // one character short
            ("\(fingerprint.dropLast())!\n", 1),  // not base64
            ("SHA256:\n", 1),
            ("\(fingerprint) trailing words\n", 1),  // not a comment
            ("laptop key\n", 1),  // no key at all
            ("ssh-ed25519 AAAAnotakey\n", 1),
        ] {
            let file = try fixture.sandbox.write(text, to: "revoked", in: fixture.sandbox.root)
            let result = try await fixture.verify("--revoked", file.path)
            #expect(result.status == 2, "\(text): \(result)")
            #expect(result.failedCleanly, "\(text): \(result)")
            #expect(result.stderr.hasPrefix("fatal: \(file.path):\(line): "), "\(text): \(result)")
        }
    }

    @Test func trustFileWithCRLFTrustsEveryLine() async throws {
        let (fixture, _) = try await recorded()
        let laptopKey = fixture.sandbox.root.appendingPathComponent("laptop.pem").path
        let laptop = try await fixture.trace("keygen", "--output", laptopKey, "--no-config")
        #expect(
            try await fixture.trace(
                "record", "HEAD", "--file", "a.txt", "--lines", "2", "--origin", "human", "--key", laptopKey
            ).status == 0)
        // The second key's line last: with CRLF read as one line, only the first entry was trusted.
        let text = "# team\r\n\(fixture.signerLine)\r\n\(laptop.stdout.trimmingCharacters(in: .newlines))\r\n"
        try Data(text.utf8).write(to: fixture.trustFile)
        let result = try await fixture.verify()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ok: 2 of 2 records"), "\(result)")
    }

    @Test func impossibleDateInTrustFileIsRefused() async throws {
        let (fixture, _) = try await recorded()
        let key = fixture.signerLine.split(separator: " ", maxSplits: 1)[1]
        for date in ["20260231", "20250229", "20261301", "20260100", "202602311200Z", "20260230Z"] {
            try Data("alice@example.com valid-before=\"\(date)\" \(key)\n".utf8).write(to: fixture.trustFile)
            let result = try await fixture.verify()
            #expect(result.status == 2, "\(date): \(result)")
            #expect(result.failedCleanly, "\(date): \(result)")
            #expect(
                result.stderr.contains("\(fixture.trustFile.path):1: valid-before '\(date)' is not a date"),
                "\(date): \(result)")
        }
        // A real leap day is a date.
        try Data("alice@example.com valid-after=\"20240229\" \(key)\n".utf8).write(to: fixture.trustFile)
        #expect(try await fixture.verify().status == 0)
    }

    // MARK: Shallow clones

    /// A record, review or waiver of a shallow clone's boundary commit needs what the
    /// commit changed, which the clone cannot read: one line saying so, nothing written.
    @Test func aBoundaryCommitCannotBeRecordedReviewedOrWaivedInAShallowClone() async throws {
        let fixture = try await Fixture.make()
        for index in 1...2 { try await fixture.commit(numberedLines(index + 2), to: "a.txt") }
        let clone = try await fixture.shallowClone(depth: 1, notes: false)
        for arguments in [
            ["record", "HEAD", "--file", "a.txt", "--lines", "4", "--origin", "human"],
            ["review", "HEAD"], ["waive", "HEAD", "--rule", "max_ai_share", "--reason", "hotfix INC-42, approved"],
        ] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: clone)
            #expect(output.failedCleanly, "\(arguments): \(output)")
            #expect(output.stderr.contains("is not in this repository (a shallow clone's boundary)"), "\(output)")
        }
        let notes = try await fixture.sandbox.run("git", ["notes", "--ref", "sessiontrace", "list"], in: clone)
        #expect(notes.stdout.isEmpty, "\(notes)")
    }

    @Test func shallowCloneVerifiesWhatItHasAndSaysWhereItStopped() async throws {
        let fixture = try await Fixture.make()
        for index in 1...3 {
            let commit = try await fixture.commit(numberedLines(index + 2), to: "a.txt")
            #expect(
                try await fixture.trace(
                    "record", commit, "--file", "a.txt", "--lines", "\(index + 2)", "--origin", "human"
                ).status == 0)
        }
        let head = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        let line = try #require(try await fixture.noteLines(head).first)
        try await fixture.overwriteNote(head, lines: [try tamper(line, signature: { $0[7] ^= 0x20 })])
        let clone = try await fixture.shallowClone(depth: 1, named: "ci")
        let ranged = try await fixture.sandbox.traceArgs(
            ["verify", "--trust", fixture.trustFile.path, "HEAD"], in: clone)
        #expect(ranged.status == 1, "\(ranged)")
        #expect(ranged.stdout.contains("\(head.prefix(12)) record 1: "), "\(ranged)")
        #expect(ranged.stdout.contains("1 problem: 0 of 1 records on 1 commits"), "\(ranged)")
        #expect(
            ranged.stderr.contains("warning: shallow clone: verified HEAD down to its boundary (\(head.prefix(12)))"),
            "\(ranged)")
        let json = try JSONValue(
            parsing: try await fixture.sandbox.traceArgs(
                ["verify", "--trust", fixture.trustFile.path, "HEAD", "--json"], in: clone
            ).stdout)
        #expect(json["shallow_boundary"] == .array([.string(head)]), "\(json)")
        // Every note is still checked; the commits the clone lacks cannot have their files read.
        let all = try await fixture.sandbox.traceArgs(
            ["verify", "--trust", fixture.trustFile.path, "--content"], in: clone)
        #expect(all.status == 1, "\(all)")
        #expect(all.stdout.contains("1 problem: 2 of 3 records on 3 commits"), "\(all)")
        #expect(all.stdout.components(separatedBy: ": commit-absent: commit ").count == 3, "\(all)")
        #expect(
            all.stdout.contains(
                "warning: \(head.prefix(12)): commit-absent: the parent of commit \(head.prefix(12)) is not in this repository"
            ), "\(all)")
        // A checkpoint names the ledger by the first commit, which the clone does not have.
        let checkpoint = try await fixture.sandbox.traceArgs(["checkpoint"], in: clone)
        #expect(checkpoint.failedCleanly, "\(checkpoint)")
        #expect(checkpoint.stderr.contains("shallow clone"), "\(checkpoint)")
    }

    // MARK: What a commit-graph may and may not change

    /// Commits that add two lines each, a record claiming the second as an agent's (a
    /// line range, checked against what the commit added), one record tampered with.
    func rangedHistory(_ fixture: Fixture) async throws -> [String] {
        var commits = [String]()
        for index in 1...6 {
            let commit = try await fixture.commit(numberedLines(2 * index + 2), to: "a.txt")
            #expect(
                try await fixture.trace(
                    "record", commit, "--file", "a.txt", "--lines", "\(2 * index + 2)", "--origin", "ai",
                    "--agent", "claude-code", "--model", "anthropic/claude-sonnet-4-5"
                ).status == 0)
            commits.append(commit)
        }
        let line = try #require(try await fixture.noteLines(commits[2]).first)
        try await fixture.overwriteNote(commits[2], lines: [try tamper(line, signature: { $0[7] ^= 0x20 })])
        return commits
    }

    /// The commit-graph (anyone's to write) only orders verify's work: with git's graph,
    /// and with one whose commit times are overwritten, verify finds the same.
    @Test func aForgedCommitGraphChangesNothingVerifyFinds() async throws {
        let fixture = try await Fixture.make()
        _ = try await rangedHistory(fixture)
        func findings() async throws -> [String] {
            let result = try await fixture.verify("--jobs", "2")
            #expect(result.status == 1, "\(result)")
            return result.stdout.split(separator: "\n").map(String.init).sorted()
        }
        let without = try await findings()
        #expect(without.contains { $0.contains("signature-altered") }, "\(without)")
        try await fixture.git("commit-graph", "write", "--reachable")
        #expect(try await findings() == without)
        let path = fixture.repository.appendingPathComponent(".git/objects/info/commit-graph")
        var graph = try Data(contentsOf: path)
        // The commit data chunk (CDAT): each commit's time in bytes 28-35 of its 36.
        let chunks = Int(graph[6])
        let entry = try #require((0..<chunks).first { graph[8 + $0 * 12..<8 + $0 * 12 + 4].elementsEqual("CDAT".utf8) })
        func offset(_ index: Int) -> Int {
            graph[8 + index * 12 + 4..<8 + index * 12 + 12].reduce(0) { $0 << 8 | Int($1) }
        }
        let start = offset(entry), count = (offset(entry + 1) - start) / 36
        #expect(count >= 6)
        var random = SplitMix(state: 5)
        for commit in 0..<count {
            for byte in 28..<36 { graph[start + commit * 36 + byte] = UInt8(truncatingIfNeeded: random.next()) }
        }
        try FileManager.default.removeItem(at: path)
        try graph.write(to: path)
        #expect(try await findings() == without)
    }

    /// A damaged repository that lacks a commit's parent: verify says which lines the
    /// commit added were not checked, whether a commit-graph dates the notes (the
    /// commit is then not read before its records are) or not.
    @Test(arguments: [false, true])
    func aMissingParentIsSaidWithOrWithoutACommitGraph(graph: Bool) async throws {
        let fixture = try await Fixture.make()
        let commits = try await rangedHistory(fixture)
        if graph { try await fixture.git("commit-graph", "write", "--reachable") }
        let object = fixture.repository.appendingPathComponent(
            ".git/objects/\(commits[3].prefix(2))/\(commits[3].dropFirst(2))")
        try FileManager.default.removeItem(at: object)
        let result = try await fixture.verify()
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains(
                "warning: \(commits[4].prefix(12)): commit-absent: the parent of commit \(commits[4].prefix(12))"),
            "\(result)")
        #expect(
            result.stdout.contains("warning: \(commits[3].prefix(12)): commit-absent: commit \(commits[3])"),
            "\(result)")
    }

    // MARK: Checkpoints hold whatever the range

    /// A covered record moved off its commit's note, onto another commit's note or onto
    /// an object id that names nothing: `record-removed`, ranged or not.
    @Test(arguments: ["other-commit", "made-up-object"])
    func coveredRecordMovedOffItsCommitIsRemovedWhateverTheRange(destination: String) async throws {
        let fixture = try await Fixture.make()
        let commits = try await fixture.commitsWithRecords(3)
        try await fixture.git("branch", "audited")
        let checkpoint = fixture.sandbox.root.appendingPathComponent("q3.checkpoint")
        #expect(try await fixture.trace("checkpoint", "--output", checkpoint.path).status == 0)
        let later = try await fixture.commit("later\n", to: "later.txt")
        let moved = try #require(try await fixture.noteLines(commits[1]).first)
        let target = destination == "other-commit" ? later : String(repeating: "ab", count: 20)
        try await fixture.git("notes", "--ref", "sessiontrace", "remove", commits[1])
        try await fixture.overwriteNote(target, lines: [moved])
        for range in ["audited", "audited~1..audited", commits[0], "main~3..main"] {
            let result = try await fixture.verify(range, "--since-checkpoint", checkpoint.path)
            #expect(result.status == 1, "\(range): \(result)")
            #expect(
                result.stdout.contains(
                    "\(commits[1].prefix(12)): record-removed: record \(Envelope.recordDigest(ofLine: moved)), covered by the checkpoint, is no longer on the note of commit \(commits[1].prefix(12)) (moved to the note of \(target.prefix(12)))"
                ),
                "\(range): \(result)")
        }
    }

    // MARK: Self-review is derived, not declared

    /// Signs a review statement as the fixture's user, altered by `edit` before signing,
    /// and appends it to HEAD's note, as a tool other than ours could.
    func appendReview(_ fixture: Fixture, edit: (inout Review) -> Void) throws {
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let head = try repository.resolveCommit("HEAD")
        let identity = SigningIdentity(
            key: try fixture.signingKey(), email: "alice@example.com", keyPath: fixture.keyPath)
        var statement = try RecordBuilder(repository: repository).review(
            of: head, signer: identity, comment: nil, reviewedAt: 1_790_000_000)
        guard case .review(var review) = statement.predicate else { Issue.record("not a review"); return }
        edit(&review)
        statement.predicate = .review(review)
        try NotesLedger(repository: repository).append(
            [head: [try RecordBuilder.sign(statement, with: identity.key).line]], message: "review")
    }

    @Test func authorsReviewSignedAsIndependentIsAProblem() async throws {
        let (fixture, commit) = try await recorded()
        try appendReview(fixture) { $0.selfReview = false }
        let result = try await fixture.verify()
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains(
                "\(commit.prefix(12)) record 2: review-mismatch: self_review is false, but the reviewer alice@example.com is the commit's author alice@example.com"
            ), "\(result)")
        #expect(!result.stdout.contains("ok:"), "\(result)")
    }

    @Test func reviewNamingAnotherAuthorIsAProblem() async throws {
        let (fixture, commit) = try await recorded()
        try appendReview(fixture) { review in
            review.author = CommitterStamp(name: "Bob Builder", email: "bob@example.com", time: review.author.time)
            review.selfReview = false
        }
        let result = try await fixture.verify()
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains(
                "\(commit.prefix(12)) record 2: review-mismatch: the review names the author as Bob Builder <bob@example.com>"
            ), "\(result)")
    }

    @Test func selfReviewIsFoundWhateverTheCaseOfTheEmail() async throws {
        let fixture = try await Fixture.make()
        try fixture.sandbox.write("x\n", to: "a.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("commit", "-q", "-m", "shouty", "--author", "Alice Author <ALICE@Example.COM>")
        let reviewed = try await fixture.trace("review", "HEAD")
        #expect(reviewed.status == 0, "\(reviewed)")
        let result = try await fixture.verify()
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout.contains("record 1: self-review: alice@example.com reviewed their own commit"), "\(result)")
        // A flag claiming independence fails, however the email is spelled.
        try appendReview(fixture) { $0.selfReview = false }
        let forged = try await fixture.verify()
        #expect(forged.status == 1, "\(forged)")
        #expect(
            forged.stdout.contains(
                "record 2: review-mismatch: self_review is false, but the reviewer alice@example.com is the commit's author ALICE@Example.COM"
            ), "\(forged)")
    }

    // MARK: The verification cache vouches only for what this user verified

    /// A cache vouches only for what this build of git-trace checked: another build
    /// (a check fixed, another model; the version number stays) checks every note again
    /// and keeps a cache of its own.
    @Test func anotherBuildDoesNotTrustThisBuildsCache() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commitsWithRecords(2)
        #expect(try await fixture.verify("--cache").status == 0)
        let again = try await fixture.verify("--cache")
        #expect(again.status == 0 && again.stdout.contains("from the cache"), "\(again)")
        let other = fixture.sandbox.root.appendingPathComponent("other-build/git-trace")
        try FileManager.default.createDirectory(
            at: other.deletingLastPathComponent(), withIntermediateDirectories: true)
        // By cp: a file this process wrote could be held open by a child another test
        // forks meanwhile, and would not start (text file busy).
        #expect(try await fixture.sandbox.run("/bin/cp", [fixture.sandbox.binary, other.path]).status == 0)
        let arguments = ["verify", "--trust", fixture.trustFile.path, "--cache"]
        let first = try await fixture.sandbox.run(other.path, arguments, in: fixture.repository)
        #expect(first.status == 0 && !first.stdout.contains("from the cache"), "\(first)")
        let second = try await fixture.sandbox.run(other.path, arguments, in: fixture.repository)
        #expect(second.status == 0 && second.stdout.contains("from the cache"), "\(second)")
        let caches = try FileManager.default.contentsOfDirectory(
            atPath: fixture.repository.appendingPathComponent(".git/sessiontrace/verify-cache").path)
        #expect(caches.filter { !$0.contains(".tmp") }.count == 2, "\(caches)")
    }

    @Test(arguments: ["legacy", "wrong-key", "truncated"])
    func forgedVerificationCacheVouchesForNothing(forgery: String) async throws {
        let fixture = try await Fixture.make()
        let commits = try await fixture.commitsWithRecords(3)
        #expect(try await fixture.verify("--cache").status == 0)
        let directory = fixture.repository.appendingPathComponent(".git/sessiontrace/verify-cache")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.contains(".tmp") }
        let cacheFile = directory.appendingPathComponent(try #require(files.first))
        #expect(files.count == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: cacheFile.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        // Whoever hands over the repository forges a note and vouches for it in the cache.
        let line = try #require(try await fixture.noteLines(commits[1]).first)
        try await fixture.overwriteNote(commits[1], lines: [try tamper(line, signature: { $0[11] ^= 0x02 })])
        let blob = try await fixture.git("notes", "--ref", "sessiontrace", "list", commits[1]).trimmingCharacters(
            in: .newlines)
        let entries = commits.map { commit in "\(commit) \(commit == commits[1] ? blob : "x")\t1\n" }.joined()
        let trust = try AllowedSigners(text: fixture.signerLine + "\n", source: "t")
        let configuration = SHA256.hexDigest("git-trace \(RecordBuilder.toolVersion)\n\(trust.fingerprint)\n")
        let body = "sessiontrace verify-cache 2\n" + entries
        switch forgery {
        case "legacy":
            try Data(entries.utf8).write(to: cacheFile)
        case "wrong-key":
            let code = HMACSHA256.authenticationCode(
                key: HMACSHA256.randomKey(), data: Array((configuration + "\n" + body).utf8))
            try Data((body + "mac \(code.hexString)\n").utf8).write(to: cacheFile)
        default:
            try Data(body.utf8).write(to: cacheFile)
        }
        let result = try await fixture.verify("--cache")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("\(commits[1].prefix(12)) record 1: signature-altered"), "\(result)")
        #expect(!result.stdout.contains("from the cache"), "\(result)")
        #expect(result.stderr.contains("is not authenticated by your cache key: ignored"), "\(result)")
        // A report using the cache does not count the forged record either.
        let report = try await fixture.trace("report", "--trust", fixture.trustFile.path, "--cache", "--format", "json")
        #expect(report.stderr.contains("is not authenticated") || report.stderr.isEmpty, "\(report)")
        let document = try JSONValue(parsing: report.stdout)
        #expect(document["integrity"]?["all_verified"] == .bool(false), "\(document["integrity"] ?? .null)")
        #expect(
            document["integrity"]?["problems"]?["signature-altered"] == .integer(1), "\(document["integrity"] ?? .null)"
        )
    }

    @Test func cacheKeyOthersCanReadIsNotUsed() async throws {
        let (fixture, _) = try await recorded()
        #expect(try await fixture.verify("--cache").status == 0)
        let secret = fixture.sandbox.home.appendingPathComponent(".config/sessiontrace/cache-key")
        let attributes = try FileManager.default.attributesOfItem(atPath: secret.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret.path)
        let result = try await fixture.verify("--cache")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout == "ok: 1 of 1 records on 1 commits verified with \(fixture.trustFile.path)\n", "\(result)")
        #expect(result.stderr.contains("the cache key \(secret.path) is not private to you"), "\(result)")
        // A link in its place is not followed.
        try FileManager.default.removeItem(at: secret)
        let elsewhere = try fixture.sandbox.write(
            String(repeating: "ab", count: 32) + "\n", to: "elsewhere", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: elsewhere.path)
        try FileManager.default.createSymbolicLink(at: secret, withDestinationURL: elsewhere)
        let linked = try await fixture.verify("--cache")
        #expect(linked.stderr.contains("is not a regular file"), "\(linked)")
    }

    // MARK: Nothing is signed that verify would refuse

    @Test func recordRefusesInputVerifyWouldReject() async throws {
        let fixture = try await Fixture.make()
        let commit = try await fixture.commit(numberedLines(5), to: "a.txt")
        for (arguments, message) in [
            (["--agent", "", "--model", "gpt-5"], "--agent '' is empty"),
            (["--agent", "  ", "--model", "gpt-5"], "--agent '  ' is empty"),
            (["--agent", "cursor", "--model", ""], "--model '' is not a model"),
            (["--agent", "cursor", "--model", "x/"], "--model 'x/' is not a model"),
            (["--agent", "cursor", "--model", "/gpt-4"], "--model '/gpt-4' is not a model"),
            (["--agent", "cursor", "--model", "gpt 5"], "--model 'gpt 5' is not a model"),
            (["--agent", "cursor", "--model", "gpt-5", "--session", ""], "--session is empty"),
        ] {
            let result = try await fixture.sandbox.traceArgs(
                ["record", "HEAD", "--file", "a.txt", "--lines", "1-2"] + arguments, in: fixture.repository)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(result.stderr.contains(message), "\(arguments): \(result)")
        }
        // Line ranges are 1-based and ascending (the parser of `--lines`).
        for bad in ["0-3", "5-2", "1-", "a", "1,,2", "-3", "1-2-3", "1,2,"] {
            let result = try await fixture.sandbox.traceArgs(
                ["record", "HEAD", "--file", "a.txt", "--lines=\(bad)", "--origin", "human"], in: fixture.repository)
            #expect(result.status == 2, "\(bad): \(result)")
            #expect(result.stderr.contains("--lines '\(bad)' is not a list of line ranges"), "\(bad): \(result)")
        }
        let empty = try await fixture.sandbox.traceArgs(
            ["record", "HEAD", "--file", "a.txt", "--lines=", "--origin", "human"], in: fixture.repository)
        #expect(empty.status == 2 && empty.stderr.contains("--lines"), "\(empty)")
        let review = try await fixture.trace("review", "HEAD", "--comment", "")
        #expect(review.status == 2, "\(review)")
        #expect(review.stderr.contains("--comment is empty"), "\(review)")
        // Nothing reached the ledger.
        let notes = try await fixture.sandbox.run(
            "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository)
        #expect(notes.status != 0, "\(notes)")
        // The same ranges written as the parser accepts them are recorded.
        let good = try await fixture.sandbox.traceArgs(
            ["record", "HEAD", "--file", "a.txt", "--lines=3-4,1,2-2", "--origin", "human"], in: fixture.repository)
        #expect(good.status == 0, "\(good)")
        #expect(try await fixture.verify().status == 0)
    }

    /// An agent's payload naming a malformed model: the edit is still the agent's, with
    /// its model unknown, and the commit's record verifies.
    @Test(arguments: ["x/", "/gpt-4", "a b"])
    func capturedMalformedModelStillGivesAVerifiableRecord(model: String) async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let before =
            "{\"event\": \"before\", \"agent\": \"aider\", \"model\": \"\(model)\", \"session\": \"s1\", \"cwd\": \"\(fixture.repository.path)\", \"files\": [\"gen.txt\"]}"
        let after = before.replacingOccurrences(of: "\"before\"", with: "\"after\"")
        #expect(
            try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "generic"], in: fixture.repository, input: before
            ).status == 0)
        try fixture.sandbox.write("one\ntwo\n", to: "gen.txt", in: fixture.repository)
        #expect(
            try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "generic"], in: fixture.repository, input: after
            ).status == 0)
        let commit = try await fixture.commitRecorded("agent")
        #expect(
            try await fixture.attribution(commit).origins("gen.txt") == lines((1...2, "ai aider unknown/unknown s1")))
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
    }

    // MARK: Figures use verified records only

    /// A trusted AI record, then a newer record by a key the auditor does not trust
    /// claiming the same lines as human.
    func overriddenByAnUntrustedKey() async throws -> Fixture {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "a.txt")
        let trusted = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "1-3", "--agent", "claude-code", "--model",
            "claude-sonnet-4-5")
        #expect(trusted.status == 0, "\(trusted)")
        let mallory = fixture.sandbox.root.appendingPathComponent("mallory.pem").path
        #expect(try await fixture.trace("keygen", "--output", mallory, "--no-config").status == 0)
        let forged = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "1-3", "--origin", "human", "--key", mallory)
        #expect(forged.status == 0, "\(forged)")
        return fixture
    }

    @Test func untrustedNewerRecordChangesNoFigure() async throws {
        let fixture = try await overriddenByAnUntrustedKey()
        let trust = fixture.trustFile.path
        let report = try await fixture.trace("report", "--trust", trust, "--format", "json", "--no-tree")
        let document = try JSONValue(parsing: report.stdout)
        #expect(document["lines_added"]?["ai"] == .integer(3), "\(document["lines_added"] ?? .null)")
        #expect(document["lines_added"]?["human"] == .integer(0), "\(document["lines_added"] ?? .null)")
        #expect(document["integrity"]?["records_used"] == .integer(1))
        #expect(
            document["warnings"]?.arrayValue?.first?.stringValue?.hasPrefix("left out 1 record that does not verify")
                == true, "\(document["warnings"] ?? .null)")

        let stats = try await fixture.trace("stats", "--trust", trust, "--json")
        let figures = try JSONValue(parsing: stats.stdout)
        #expect(figures["ai"] == .integer(3) && figures["human"] == .integer(0), "\(stats)")
        #expect(stats.stderr.contains("warning: left out 1 record"), "\(stats)")

        let blame = try await fixture.trace("blame", "a.txt", "--trust", trust, "--json")
        let lines = try #require(try JSONValue(parsing: blame.stdout).arrayValue)
        #expect(lines.map { $0["origin"] } == Array(repeating: .string("ai"), count: 3), "\(blame)")
        #expect(blame.stderr.isEmpty, "\(blame)")

        // The repository's own trust file is used when none is given, and said.
        try fixture.sandbox.write(
            fixture.signerLine + "\n", to: ".sessiontrace/allowed_signers", in: fixture.repository)
        try await fixture.sandbox.git("add", ".sessiontrace", in: fixture.repository)
        try await fixture.sandbox.git("commit", "-q", "-m", "trust", in: fixture.repository)
        let fromRepository = try await fixture.trace("blame", "a.txt", "--json")
        #expect(
            try JSONValue(parsing: fromRepository.stdout).arrayValue?.first?["origin"] == .string("ai"),
            "\(fromRepository)")
        #expect(
            fromRepository.stderr.contains("warning: trusting .sessiontrace/allowed_signers from HEAD"),
            "\(fromRepository)")
    }

    @Test func withoutATrustFileDisplaysSayNothingWasChecked() async throws {
        let fixture = try await overriddenByAnUntrustedKey()
        let stats = try await fixture.trace("stats", "--json")
        #expect(stats.status == 0, "\(stats)")
        #expect(stats.stderr.contains("warning: no trust file: records are shown unverified"), "\(stats)")
        let blame = try await fixture.trace("blame", "a.txt")
        #expect(blame.stderr.contains("warning: no trust file: records are shown unverified"), "\(blame)")
        let report = try await fixture.trace("report", "--format", "json", "--no-tree")
        #expect(
            try JSONValue(parsing: report.stdout)["warnings"]?.arrayValue?.first
                == .string("records not verified: no trust file (pass --trust FILE, an allowed_signers file you trust)")
        )
    }

    // MARK: A record claims only the lines its commit added

    /// A trusted insider signs a record of HEAD claiming `claimed` lines of a.txt as AI.
    func inflatedClaim(_ fixture: Fixture, claimed: ClosedRange<Int>) throws {
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let head = try repository.resolveCommit("HEAD")
        let range = AttributedRange(
            startLine: claimed.lowerBound, endLine: claimed.upperBound,
            contentHash: "sha256:" + String(repeating: "0", count: 64),
            contributor: Contributor(type: .ai, agent: "claude-code", modelID: "anthropic/claude-sonnet-4-5"))
        let commit = try repository.commit(head)
        let attribution = Attribution(
            tool: ToolInfo(name: "git-trace", version: "0.1.0"),
            signer: SignerInfo(email: "alice@example.com", publicKey: try fixture.signingKey().publicKey.openSSH),
            committer: CommitterStamp(
                name: commit.committer.name, email: commit.committer.email,
                time: Timestamp.format(unixSeconds: commit.committer.time)),
            recordedAt: Timestamp.format(unixSeconds: Int64(Date().timeIntervalSince1970)),
            files: [AttributedFile(path: "a.txt", ranges: [range])],
            totals: Totals(added: 3, deleted: 0, ai: claimed.count, human: 0, mixed: 0))
        let line = try RecordBuilder.sign(
            Statement(commit: head.hex, predicate: .attribution(attribution)), with: try fixture.signingKey()
        ).line
        try NotesLedger(repository: repository).append([head: [line]], message: "inflated")
    }

    @Test func claimOfLinesTheCommitDidNotAddIsAProblemAndCountsNothing() async throws {
        let fixture = try await Fixture.make()
        let head = try await fixture.commit(numberedLines(3), to: "a.txt")
        try inflatedClaim(fixture, claimed: 1...1_000_000)
        let verified = try await fixture.verify()
        #expect(verified.status == 1, "\(verified)")
        #expect(
            verified.stdout.contains(
                "\(head.prefix(12)) record 1: range-not-added: a.txt: lines 1-1000000 were not all added by commit \(head.prefix(12)) (it added lines 1-3)"
            ), "\(verified)")
        // With trust, the record is left out; without, its claim is cut to the 3 lines added.
        let trusted = try await fixture.trace("stats", "--trust", fixture.trustFile.path, "--json")
        let figures = try JSONValue(parsing: trusted.stdout)
        #expect(figures["ai"] == .integer(0) && figures["unknown"] == .integer(3), "\(trusted)")
        let report = try JSONValue(
            parsing: try await fixture.trace(
                "report", "--trust", fixture.trustFile.path, "--format", "json", "--no-tree"
            ).stdout)
        #expect(report["lines_added"]?["ai"] == .integer(0), "\(report["lines_added"] ?? .null)")
        #expect(report["integrity"]?["problems"] == .object(["range-not-added": .integer(1)]))
        let untrusted = try JSONValue(parsing: try await fixture.trace("stats", "--json").stdout)
        #expect(untrusted["ai"] == .integer(3) && untrusted["lines_added"] == .integer(3), "\(untrusted)")
    }

    @Test func claimOfUnchangedLinesOfAnEditedFileIsAProblem() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "a.txt")
        let head = try await fixture.commit(numberedLines(3) + "fourth\n", to: "a.txt")
        try inflatedClaim(fixture, claimed: 1...4)
        let verified = try await fixture.verify()
        #expect(
            verified.stdout.contains(
                "range-not-added: a.txt: lines 1-4 were not all added by commit \(head.prefix(12)) (it added line 4)"),
            "\(verified)")
        let untrusted = try JSONValue(parsing: try await fixture.trace("stats", "--json").stdout)
        #expect(untrusted["ai"] == .integer(1), "\(untrusted)")
        // Our own tool refuses to sign such a claim.
        let refused = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "2-4", "--agent", "cursor", "--model", "gpt-5")
        #expect(refused.failedCleanly, "\(refused)")
        #expect(refused.stderr.contains("a.txt: lines 2-4 were not all added by commit"), "\(refused)")
        let ok = try await fixture.trace(
            "record", "HEAD", "--file", "a.txt", "--lines", "4", "--agent", "cursor", "--model", "gpt-5")
        #expect(ok.status == 0, "\(ok)")
    }

    // MARK: Smaller ones: key files, git's messages, --jobs

    @Test func privateKeyOthersCanReadWarnsAndOthersCanWriteIsRefused() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "a.txt")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: fixture.keyPath)
        let readable = try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1", "--origin", "human")
        #expect(readable.status == 0, "\(readable)")
        #expect(
            readable.stderr.contains(
                "warning: private key \(fixture.keyPath) is readable by other users (mode 644): run 'chmod 600 \(fixture.keyPath)'"
            ), "\(readable)")
        for mode in [0o664, 0o602, 0o620] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: fixture.keyPath)
            let writable = try await fixture.trace("review", "HEAD")
            #expect(writable.failedCleanly, "\(String(mode, radix: 8)): \(writable)")
            #expect(
                writable.stderr.contains(
                    "can be changed by other users (mode \(String(mode, radix: 8))): refusing to sign with it"),
                "\(writable)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.keyPath)
        let quiet = try await fixture.trace("review", "HEAD", "--comment", "fine")
        #expect(quiet.status == 0, "\(quiet)")
        #expect(!quiet.stderr.contains("private key"), "\(quiet)")
    }

    @Test func gitsMessageIsQuotedOnceAndNeverWrittenToATemporaryFile() async throws {
        let (fixture, _) = try await recorded()
        let temporary = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("git-trace-stderr")
        }
        let missing = try await fixture.trace("blame", "nope.txt", "--trust", fixture.trustFile.path)
        #expect(missing.failedCleanly, "\(missing)")
        #expect(missing.stderr.hasPrefix("fatal: git blame: no such path"), "\(missing)")
        #expect(missing.stderr.components(separatedBy: "fatal:").count == 2, "\(missing)")
        let after = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter {
            $0.hasPrefix("git-trace-stderr")
        }
        #expect(after.count <= temporary.count, "git's messages went to a file in \(NSTemporaryDirectory())")
    }

    @Test func verifyRefusesZeroOrNegativeJobs() async throws {
        let (fixture, _) = try await recorded()
        for jobs in ["0", "-1"] {
            let result = try await fixture.verify("--jobs=\(jobs)")
            #expect(result.status == 2, "\(jobs): \(result)")
            #expect(
                result.stderr.contains("--jobs \(jobs): give a number of threads of 1 or more"), "\(jobs): \(result)")
        }
        // A negative number as its own argument is still the value of --jobs.
        let separate = try await fixture.verify("--jobs", "-3")
        #expect(
            separate.status == 2 && separate.stderr.contains("--jobs -3: give a number of threads of 1 or more"),
            "\(separate)")
        #expect(try await fixture.verify("--jobs", "1").status == 0)
    }

    // MARK: git's conventions for repository and configuration

    @Test func gitDirAndCommandLineConfigAreHonoured() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "a.txt")
        let otherKey = fixture.sandbox.root.appendingPathComponent("other.pem").path
        #expect(try await fixture.trace("keygen", "--output", otherKey, "--no-config").status == 0)
        let signed = try await fixture.sandbox.run(
            "git",
            [
                "-c", "sessiontrace.signingKey=\(otherKey)", "trace", "record", "HEAD", "--file", "a.txt",
                "--lines", "1", "--origin", "human",
            ], in: fixture.repository)
        #expect(signed.status == 0, "\(signed)")
        let shown = try await fixture.trace("show", "--json")
        let keyID = try #require(try JSONValue(parsing: shown.stdout).arrayValue?.first?["keyid"]?.stringValue)
        #expect(keyID == (try SigningKey(contentsOfFile: otherKey).publicKey.fingerprint), "\(shown)")
        // -c user.email too: the record is signed as the given principal.
        let asBob = try await fixture.sandbox.run(
            "git", ["-c", "user.email=bob@example.com", "trace", "review", "HEAD"], in: fixture.repository)
        #expect(asBob.stdout.contains("reviewed 1 commit as bob@example.com"), "\(asBob)")

        // --git-dir names another repository than the current directory's.
        let elsewhere = try await fixture.sandbox.makeRepository("elsewhere")
        let fromOutside = try await fixture.sandbox.run(
            "git", ["--git-dir=\(fixture.repository.path)/.git", "trace", "verify", "--trust", fixture.trustFile.path],
            in: elsewhere)
        #expect(fromOutside.stdout.contains("of 2 records on 1 commits"), "\(fromOutside)")
        let relative = try await fixture.sandbox.run(
            "git", ["--git-dir=../repo/.git", "--work-tree=../repo", "trace", "stats", "--json"], in: elsewhere)
        #expect(relative.status == 0, "\(relative)")
        #expect(try JSONValue(parsing: relative.stdout)["commits"] == .integer(1), "\(relative)")
        let viaC = try await fixture.sandbox.run(
            "git", ["-C", fixture.repository.path, "trace", "verify", "--trust", fixture.trustFile.path], in: elsewhere)
        #expect(viaC.stdout.contains("of 2 records on 1 commits"), "\(viaC)")
    }

    @Test func gitLogStaysReadableAndTraceLogSumsUpEachCommit() async throws {
        let fixture = try await overriddenByAnUntrustedKey()
        let head = try await fixture.git("rev-parse", "--short", "HEAD").trimmingCharacters(in: .newlines)
        try await fixture.commit(numberedLines(3) + "more\n", to: "a.txt", message: "unrecorded")
        let plain = try await fixture.git("log")
        #expect(!plain.contains("eyJ") && !plain.contains("Notes"), "git log shows the envelopes: \(plain)")
        let log = try await fixture.trace("log", "--trust", fixture.trustFile.path)
        #expect(log.status == 0, "\(log)")
        let lines = log.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(log)")
        #expect(lines[0].hasSuffix("  unrecorded") && lines[1] == "        no record", "\(log)")
        #expect(lines[2].hasPrefix(head) && lines[2].hasSuffix("  change"), "\(log)")
        #expect(
            lines[3]
                == "        ai 100 % · mixed 0 % · human 0 % of 3 lines added · claude-code anthropic/claude-sonnet-4-5 · verified",
            "\(log)")
        // git log's own selection applies; without a trust file, the summary says so.
        let limited = try await fixture.trace("log", "-n", "1", "--", "a.txt")
        #expect(limited.stdout.split(separator: "\n").count == 2, "\(limited)")
        #expect(limited.stderr.contains("warning: no trust file"), "\(limited)")
        let wrong = try await fixture.trace("log", "--no-such-option")
        #expect(
            wrong.failedCleanly && wrong.stderr.hasPrefix("fatal: git log: unrecognized argument: --no-such-option"),
            "\(wrong)")
    }

    // MARK: Each check has a test that fails without it

    @Test func payloadSignedAsNonCanonicalJSONIsRefused() async throws {
        let (fixture, commit) = try await recorded()
        let line = try #require(try await fixture.noteLines(commit).first)
        let payload = try Envelope(line: line).payload
        // The same statement with one insignificant space, properly signed.
        let spaced = Array("{ ".utf8) + payload.dropFirst()
        let envelope = try Envelope.sign(payload: spaced, with: try fixture.signingKey())
        try await fixture.overwriteNote(commit, lines: [envelope.line])
        let result = try await fixture.verify()
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("record 1: not-canonical: payload is not canonical JSON"), "\(result)")
    }

    /// Without a trust file, displays still use only records whose signature holds for
    /// the key they name: an altered record counts nothing.
    /// (Version 1: a version 2 record names its key only by id, so without a trust
    /// file nothing can be checked, and displays say so.)
    @Test func alteredRecordCountsNothingEvenWithoutATrustFile() async throws {
        let fixture = try await Fixture.make()
        try await fixture.git("config", "sessiontrace.recordFormat", "1")
        let commit = try await fixture.commit(numberedLines(3), to: "a.txt")
        #expect(
            try await fixture.trace("record", "HEAD", "--file", "a.txt", "--lines", "1-3", "--origin", "human").status
                == 0)
        let line = try #require(try await fixture.noteLines(commit).first)
        let altered = try tamper(
            line,
            payload: { payload in
                payload = Array(
                    String(decoding: payload, as: UTF8.self).replacingOccurrences(
                        of: "{\"type\":\"human\"}",
                        with: "{\"agent\":\"cursor\",\"model_id\":\"openai/gpt-5\",\"type\":\"ai\"}"
                    )
                    .replacingOccurrences(of: "\"ai\":0", with: "\"ai\":3").replacingOccurrences(
                        of: "\"human\":3", with: "\"human\":0"
                    ).utf8)
            })
        #expect(
            try Statement(envelope: try Envelope(line: altered)).attribution?.totals?.ai == 3,
            "the forgery must be well-formed")
        try await fixture.overwriteNote(commit, lines: [altered])
        let stats = try JSONValue(parsing: try await fixture.trace("stats", "--json").stdout)
        #expect(stats["ai"] == .integer(0) && stats["unknown"] == .integer(3), "\(stats)")
        let blame = try JSONValue(parsing: try await fixture.trace("blame", "a.txt", "--json").stdout)
        #expect(blame.arrayValue?.allSatisfy { $0["origin"] == .string("unknown") } == true, "\(blame)")
    }

    @Test func pathInASiblingDirectorySharingTheNameIsOutside() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(3), to: "a.txt")
        let sibling = fixture.sandbox.root.appendingPathComponent("repo-evil")
        try FileManager.default.createDirectory(at: sibling, withIntermediateDirectories: true)
        try fixture.sandbox.write(numberedLines(3), to: "a.txt", in: sibling)
        for path in ["../repo-evil/a.txt", sibling.appendingPathComponent("a.txt").path, "../repo/../repo-evil/a.txt"] {
            let result = try await fixture.trace("record", "HEAD", "--file", path, "--lines", "1", "--origin", "human")
            #expect(result.failedCleanly, "\(path): \(result)")
            #expect(result.stderr.contains("is outside the repository"), "\(path): \(result)")
        }
        let inside = try await fixture.trace(
            "record", "HEAD", "--file", "../repo/a.txt", "--lines", "1", "--origin", "human")
        #expect(inside.status == 0, "\(inside)")
    }

    // MARK: Prompts are kept as keyed digests

    @Test func capturedPromptIsAnHMACUnderTheRepositorysKeyNotAPlainDigest() async throws {
        let fixture = try await Fixture.make(commitHooks: true)
        try await fixture.commit("seed\n", to: "README")
        let root = fixture.repository.path
        let prompt = "fix it"
        func capture(_ json: String) async throws {
            let output = try await fixture.sandbox.run(
                fixture.sandbox.binary, ["capture", "--agent", "generic"], in: fixture.repository, input: json)
            #expect(output.status == 0, "\(output)")
        }
        try await capture(
            "{\"event\": \"before\", \"agent\": \"aider\", \"model\": \"openai/gpt-5\", \"session\": \"s1\", \"cwd\": \"\(root)\", \"prompt\": \"\(prompt)\"}"
        )
        try await capture(
            "{\"event\": \"before\", \"agent\": \"aider\", \"model\": \"openai/gpt-5\", \"session\": \"s1\", \"cwd\": \"\(root)\", \"files\": [\"gen.txt\"]}"
        )
        try fixture.sandbox.write("one\ntwo\n", to: "gen.txt", in: fixture.repository)
        try await capture(
            "{\"event\": \"after\", \"agent\": \"aider\", \"model\": \"openai/gpt-5\", \"session\": \"s1\", \"cwd\": \"\(root)\", \"files\": [\"gen.txt\"]}"
        )
        let commit = try await fixture.commitRecorded("agent")

        let keyPath = fixture.repository.appendingPathComponent(".git/sessiontrace/prompt-key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let key = try #require(
            [UInt8](
                hex: try String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        let expected = HMACSHA256.authenticationCode(key: key, data: Array(prompt.utf8)).hexString
        let note = try await fixture.noteLines(commit).joined()
        let payload = String(
            decoding: try Envelope(line: try #require(try await fixture.noteLines(commit).last)).payload, as: UTF8.self)
        #expect(payload.contains("\"prompt_hmac_sha256\":\"\(expected)\""), "\(payload)")
        #expect(
            !payload.contains("prompt_sha256") && !note.contains(SHA256.hexDigest(prompt)),
            "a guessable digest reached the notes: \(payload)")
        #expect(
            try await fixture.attribution(commit).files.first?.ranges.first?.promptDigest == "hmac-sha256:" + expected)
        #expect(try await fixture.verify().status == 0)
    }

    /// Signed by a trusted key, but naming another key as its signer: a record must
    /// say truthfully which key signed it.
    @Test func recordNamingAnotherSignerKeyIsRefused() async throws {
        let (fixture, commit) = try await recorded(format: 1)  // version 2 names no key in the statement
        let line = try #require(try await fixture.noteLines(commit).first)
        let statement = try Statement(envelope: try Envelope(line: line))
        var attribution = try #require(statement.attribution)
        let other = try SigningKey.generate().publicKey
        attribution.signer = SignerInfo(email: attribution.signer.email, publicKey: other.openSSH)
        let forged = try RecordBuilder.sign(
            Statement(commit: commit, predicate: .attribution(attribution)), with: try fixture.signingKey())
        try await fixture.overwriteNote(commit, lines: [forged.line])
        let result = try await fixture.verify()
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stdout.contains("record 1: bad-schema: signer.public_key does not match the signing key"),
            "\(result)")
    }
}
