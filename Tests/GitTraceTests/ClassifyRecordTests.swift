import CanonicalJSON
import Classifier
import Foundation
import Git
import Keys
import Ledger
import Records
import TestSupport
import Testing

/// `git trace classify --record`: signed estimate records (spec/records.md §8.3) that
/// verify, that reports show apart, and that never change a captured figure.
@Suite struct ClassifyRecordTests {
    /// ClassifyTests' history: old (2019), trailer (AI co-author), plain (scored on
    /// content), short and vendored (nothing scored).
    func history() async throws -> (Fixture, [String: String]) {
        try await ClassifyTests().history()
    }

    func estimates(_ fixture: Fixture, _ commit: String) async throws -> [Estimate] {
        let note = try await fixture.sandbox.run(
            "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository)
        guard note.status == 0 else { return [] }
        return try note.stdout.split(separator: "\n").compactMap {
            try Statement(envelope: try Envelope(line: String($0))).estimate
        }
    }

    /// A decorated pytest test of `steps` lines: git's diff and the line diff split a
    /// change of these differently.
    func test(_ name: String, _ steps: Int) -> String {
        "@pytest.mark.slow\ndef test_\(name)(value):\n"
            + (0..<steps).map { "    step_\($0) = value * \($0)  # \(name)\n" }.joined() + "    assert value\n\n"
    }

    func report(_ fixture: Fixture, trust: URL? = nil) async throws -> JSONValue {
        let output = try await fixture.sandbox.traceArgs(
            ["report", "--format", "json", "--trust", (trust ?? fixture.trustFile).path], in: fixture.repository)
        try #require(output.status == 0, "\(output)")
        return try JSONValue(parsing: Array(output.stdout.utf8))
    }

    @Test func recordedEstimatesVerifyAndSayWhatTheyAre() async throws {
        let (fixture, commits) = try await history()
        let recorded = try await fixture.trace("classify", "--record")
        #expect(recorded.status == 0, "\(recorded)")
        #expect(recorded.stdout.contains("recorded 3 estimate records as alice@example.com"), "\(recorded)")
        // What the estimate states is what classify printed.
        let json = try JSONValue(parsing: Array(try await fixture.trace("classify", "--json").stdout.utf8))
        for name in ["old", "trailer", "plain"] {
            let estimate = try #require(try await estimates(fixture, commits[name]!).first, "\(name)")
            let printed = try #require(
                json["commits"]?.arrayValue?.first { $0["commit"]?.stringValue == commits[name] })
            #expect(estimate.probabilityBP.map(Int64.init) == printed["probability_bp"]?.integerValue)
            #expect(estimate.model == json["model"]?.stringValue && estimate.modelSHA256.count == 64)
            #expect(
                estimate.blocks.map(\.path) == printed["blocks"]?.arrayValue?.compactMap { $0["path"]?.stringValue })
            #expect(!estimate.contentOnly && estimate.signer.email == "alice@example.com")
        }
        #expect(try await estimates(fixture, commits["trailer"]!).first?.evidence == ["ai-coauthor-trailer"])
        #expect(try await estimates(fixture, commits["old"]!).first?.evidence == ["before-ai-assistants"])
        #expect(try await estimates(fixture, commits["plain"]!).first?.evidence == [])
        // Nothing scored, nothing recorded.
        #expect(try await estimates(fixture, commits["short"]!).isEmpty)
        #expect(try await estimates(fixture, commits["vendored"]!).isEmpty)

        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
        let shown = try await fixture.trace("show", commits["trailer"]!, "--trust", fixture.trustFile.path)
        #expect(shown.stdout.contains("https://sessiontrace.dev/estimate/v1"), "\(shown)")
        #expect(
            shown.stdout.contains("99.0 % likely AI-written, high confidence (ai-coauthor-trailer): not captured data"))
        let stats = try await fixture.trace("stats", "--trust", fixture.trustFile.path)
        #expect(stats.stdout.contains("no attribution data"), "\(stats)")
        #expect(stats.stdout.contains("estimates     Estimated AI share of lines without capture: "), "\(stats)")
        #expect(stats.stdout.contains("Not captured data."))
        let statsJSON = try JSONValue(
            parsing: Array(try await fixture.trace("stats", "--trust", fixture.trustFile.path, "--json").stdout.utf8))
        #expect(statsJSON["estimates"]?["commits"]?.integerValue == 3 && statsJSON["unknown"]?.integerValue != 0)
        let log = try await fixture.trace("log", "--trust", fixture.trustFile.path)
        #expect(log.stdout.contains("no attribution record · estimated 99.00% likely AI-written"), "\(log)")

        // Once per key, model and mode: a second run adds nothing; content only is another estimate.
        let again = try await fixture.trace("classify", "--record")
        #expect(again.stdout.contains("recorded 0 estimate records") && again.stdout.contains("3 commit(s) already"))
        #expect(try await estimates(fixture, commits["plain"]!).count == 1)
        let contentOnly = try await fixture.trace("classify", "--record", "--content-only", "--json")
        #expect(contentOnly.status == 0 && contentOnly.stderr.contains("recorded 3 estimate records"), "\(contentOnly)")
        #expect(try await estimates(fixture, commits["trailer"]!).map(\.contentOnly) == [false, true])
        #expect(try await estimates(fixture, commits["trailer"]!).last?.evidence == [])
        #expect(try await fixture.verify().status == 0)
    }

    /// Another key's estimate does not stop the auditor's own: they may trust only theirs.
    @Test func anotherKeysEstimateIsNoReasonToSkip() async throws {
        let (fixture, commits) = try await history()
        let mallory = fixture.sandbox.root.appendingPathComponent("mallory.pem").path
        #expect(try await fixture.trace("keygen", "--output", mallory, "--no-config").status == 0)
        #expect(try await fixture.trace("classify", "--record", "--key", mallory).status == 0)
        let own = try await fixture.trace("classify", "--record")
        #expect(own.stdout.contains("recorded 3 estimate records"), "\(own)")
        #expect(try await estimates(fixture, commits["plain"]!).count == 2)
        // Verification names the other key's records; the report uses the trusted ones only.
        #expect(try await fixture.verify().status == 1)
        let json = try await report(fixture)
        #expect(json["estimates"]?["commits"]?.integerValue == 3, "\(json["estimates"] ?? .null)")
        #expect(json["integrity"]?["records_unverified"]?.integerValue == 3)
    }

    /// The report's captured figures are the same with and without estimates; a commit
    /// with an attribution record ignores its estimate; estimates stand apart.
    @Test func estimatesNeverChangeCapturedFigures() async throws {
        let (fixture, commits) = try await history()
        #expect(try await fixture.trace("classify", "--record").status == 0)
        // After the estimate, a person records the plain commit: it is captured now.
        let recorded = try await fixture.trace(
            "record", commits["plain"]!, "--file", "tool.py", "--lines", "1-11", "--origin", "human")
        #expect(recorded.status == 0, "\(recorded)")
        let withEstimates = try await report(fixture)

        // The same ledger without its estimate records.
        for name in ["old", "trailer", "plain"] {
            let lines = try await fixture.noteLines(commits[name]!).filter {
                (try? Statement(envelope: Envelope(line: $0)))?.estimate == nil
            }
            if lines.isEmpty {
                try await fixture.git("notes", "--ref", "sessiontrace", "remove", commits[name]!)
            } else {
                try await fixture.overwriteNote(commits[name]!, lines: lines)
            }
        }
        let without = try await report(fixture)
        #expect(without["estimates"] == .null)
        for member in [
            "lines_added", "lines_surviving", "by_developer", "by_directory", "by_month", "models", "reviews",
            "commits_with_records", "attribution_data", "warnings", "lines_surviving_by_developer",
        ] {
            #expect(withEstimates[member] == without[member], "\(member)")
        }
        #expect(withEstimates["lines_added"]?["human"]?.integerValue == 11)
        #expect(withEstimates["commits_with_records"]?.integerValue == 1)

        let estimates = try #require(withEstimates["estimates"])
        // old and trailer; plain is captured, so its estimate is not used.
        #expect(estimates["commits"]?.integerValue == 2, "\(estimates)")
        #expect(estimates["lines_scored"]?.integerValue == 28)
        // Both settled by metadata: 14 lines at 1 % and 14 at 99 %.
        #expect(estimates["estimated_ai_lines"]?.integerValue == 14)
        #expect(estimates["estimated_ai_share_bp"]?.integerValue == 5_000)
        #expect(estimates["by_model"]?.arrayValue?.count == 1)
        let evidence = withEstimates["evidence"]?.arrayValue ?? []
        let plainRow = evidence.first { $0["commit"]?.stringValue == commits["plain"] }
        #expect(plainRow?["estimate_record"] == .null && plainRow?["attribution_record"] != .null)
        let trailerRow = evidence.first { $0["commit"]?.stringValue == commits["trailer"] }
        #expect(trailerRow?["estimate_record"]?.stringValue?.hasPrefix("sha256:") == true)

        // The estimates were removed above: recorded again, for the text.
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let again = try await fixture.trace("report", "--trust", fixture.trustFile.path)
        #expect(again.stdout.contains("Estimated AI share of lines without capture: 50.00%"), "\(again)")
        #expect(again.stdout.contains("not captured data"))
    }

    /// The report reads the content-scored blocks of estimates through their model's
    /// share calibration, which it knows only for the model built in: an estimate by any
    /// other model file is counted, and its content-scored lines are in no share.
    @Test func reportsReadEstimatesThroughTheCalibrationOfTheirOwnModelOnly() async throws {
        let (fixture, commits) = try await history()
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let plain = try #require(try await estimates(fixture, commits["plain"]!).last)
        #expect(plain.evidence.isEmpty && plain.modelSHA256 == ClassifierModel.embedded.sha256)
        var tally = EstimateTally()
        tally.add(lines: 14, probabilityBP: 100, settled: true)
        tally.add(lines: 14, probabilityBP: 9_900, settled: true)
        for block in plain.blocks {
            tally.add(lines: block.lines.count, probabilityBP: block.probabilityBP, settled: false)
        }
        let expected = tally.figures(ClassifierModel.embedded.shareCalibration)
        let estimates = try #require(try await report(fixture)["estimates"])
        for (member, value) in expected.jsonMembers { #expect(estimates[member] == value, "\(member): \(estimates)") }

        // The plain commit's estimate as another model file would have made it, signed.
        let original = try Envelope(line: try #require(try await fixture.noteLines(commits["plain"]!).last))
        let payload = String(decoding: original.payload, as: UTF8.self)
        let altered = payload.replacingOccurrences(of: plain.modelSHA256, with: String(repeating: "0", count: 64))
        #expect(altered != payload)
        let envelope = try Envelope.sign(
            payload: Array(altered.utf8), payloadType: original.payloadType, with: try fixture.signingKey())
        try await fixture.overwriteNote(commits["plain"]!, lines: [envelope.line])
        let unread = try #require(try await report(fixture)["estimates"])
        let verified = try await fixture.verify()
        #expect(
            unread["commits"]?.integerValue == 3 && unread["lines_scored"]?.integerValue == 39, "\(unread) \(verified)")
        #expect(unread["lines_without_share_calibration"]?.integerValue == 11)
        // Only the settled lines are read: 14 at 1 % and 14 at 99 %.
        #expect(
            unread["estimated_ai_lines"]?.integerValue == 14 && unread["estimated_ai_share_bp"]?.integerValue == 5_000)
        let byModel = try #require(unread["by_model"]?.arrayValue)
        #expect(byModel.count == 2)
        #expect(
            Set(byModel.compactMap { $0["model_sha256"]?.stringValue }) == [
                plain.modelSHA256, String(repeating: "0", count: 64),
            ])
        #expect(
            byModel.contains {
                $0["lines_without_share_calibration"]?.integerValue == 11 && $0["estimated_ai_lines"] == .null
            })
        let text = try await fixture.trace("report", "--trust", fixture.trustFile.path)
        #expect(text.status == 0, "\(text)")
        #expect(
            text.stdout.contains("11 lines scored by a model without a share calibration known here are in no figure"),
            "\(text)")
        #expect(text.stdout.contains("without share calibration"), "\(text)")
    }

    /// An estimate is no attribution record: `require_records` still fails.
    @Test func anEstimateIsNotARecordForPolicy() async throws {
        let (fixture, _) = try await history()
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let policy = try fixture.sandbox.write(
            "rules:\n  require_records: {severity: error}\n", to: "auditor/policy.yml", in: fixture.sandbox.root)
        let check = try await fixture.trace(
            "check", "--trust", fixture.trustFile.path, "--policy", policy.path, "--format", "json")
        #expect(check.status == 1, "\(check)")
        let violations = try JSONValue(parsing: Array(check.stdout.utf8))["violations"]?.arrayValue ?? []
        #expect(violations.filter { $0["rule"]?.stringValue == "require_records" }.count == 5, "\(check.stdout)")
    }

    /// git's diff and the line diff records are checked with can split a change
    /// differently (here git's hunk starts a line earlier, at the decorator): a block is
    /// cut to the lines the line diff says were added, and every estimate verifies.
    @Test func blocksAreCutToTheLinesTheLineDiffAdded() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(test("a", 3) + test("z", 3), to: "test_f.py", message: "tests")
        let commit = try await fixture.commit(
            test("a", 3) + test("m", 9) + test("z", 3), to: "test_f.py", message: "one more")
        let hunk = try await fixture.git("diff", "-U0", "HEAD~1", "HEAD").split(separator: "\n").first {
            $0.hasPrefix("@@")
        }
        #expect(hunk?.hasPrefix("@@ -7,0 +8,13 @@") == true, "git's hunk: \(hunk ?? "none")")
        #expect(try await fixture.trace("classify", "--record", "--content-only").status == 0)
        let estimate = try #require(try await estimates(fixture, commit).first)
        #expect(estimate.blocks.map(\.lines) == [9...20], "\(estimate.blocks)")
        let verified = try await fixture.verify("--content")
        #expect(verified.status == 0 && !verified.stdout.contains("warning"), "\(verified)")
    }

    /// Authors and trailers are read by whom they name, address included: an assistant's
    /// account is evidence, a person who shares a name or an employer with one is not,
    /// and an `Assisted-by:` trailer or SessionTrace's own `AI-Assisted:` is. Such
    /// estimates record, verify and are made again.
    @Test func authorsAndTrailersAreReadByWhomTheyName() async throws {
        let fixture = try await Fixture.make()
        var commits = [String: String]()
        func commit(_ name: String, author: (String, String), message: String) async throws {
            let body =
                "def \(name)(values):\n"
                + (1...10).map { "    total_\($0) = sum(values) * \($0)" }
                .joined(separator: "\n") + "\n"
            try fixture.sandbox.write(body, to: "\(name).py", in: fixture.repository)
            try await fixture.git("add", "-A")
            let made = try await fixture.sandbox.run(
                "git", ["commit", "-q", "-m", message], in: fixture.repository,
                environment: ["GIT_AUTHOR_NAME": author.0, "GIT_AUTHOR_EMAIL": author.1])
            try #require(made.status == 0, "\(made)")
            commits[name] = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        }
        try await commit("agent", author: ("Copilot", "198982749+Copilot@users.noreply.github.com"), message: "Add")
        try await commit("person", author: ("Claude", "claude.martin@example.com"), message: "Add")
        try await commit(
            "colleague", author: ("Jo", "jo@example.com"), message: "Add\n\nCo-authored-by: Ada <ada@anthropic.com>")
        try await commit(
            "kernel", author: ("Jo", "jo@example.com"),
            message: "Add\n\nAssisted-by: Claude:claude-opus-4-5 coccinelle\nSigned-off-by: Jo <jo@example.com>")
        // SessionTrace's own trailer on a commit whose note did not travel.
        try await commit(
            "own", author: ("Jo", "jo@example.com"),
            message: "Add\n\nAI-Assisted: claude-code claude-sonnet-4-5 11/11 lines")
        let output = try await fixture.trace("classify", "--json")
        #expect(output.status == 0, "\(output)")
        let listed = try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue ?? []
        func firstSignal(_ name: String) -> String? {
            listed.first { $0["commit"]?.stringValue == commits[name] }?["signals"]?.arrayValue?.first?["name"]?
                .stringValue
        }
        #expect(firstSignal("agent") == "agent-author")
        #expect(firstSignal("kernel") == "ai-assistant-trailer")
        #expect(firstSignal("own") == "ai-assistant-trailer")
        for name in ["person", "colleague"] {
            let entry = listed.first { $0["commit"]?.stringValue == commits[name] }
            #expect(entry?["probability_bp"]?.integerValue != 9_900, "\(name)")
            #expect(
                entry?["signals"]?.arrayValue?.allSatisfy { $0["detail"]?.stringValue?.hasPrefix("strongest") == true }
                    == true, "\(name): \(String(describing: entry))")
        }
        #expect(try await fixture.trace("classify", "--record").status == 0)
        #expect(try await estimates(fixture, commits["kernel"]!).first?.evidence == ["ai-assistant-trailer"])
        #expect(try await estimates(fixture, commits["agent"]!).first?.evidence == ["agent-author"])
        #expect(try await estimates(fixture, commits["person"]!).first?.evidence == [])
        let verified = try await fixture.verify("--content")
        #expect(verified.status == 0 && !verified.stdout.contains("warning"), "\(verified)")
    }

    /// Files the commit's own `.gitattributes` marks generated or vendored are unknown,
    /// not scored; and since only the commit's tree is read, an attributes file outside
    /// it (`.git/info/attributes`, the user's, a staged change) changes no estimate, so
    /// that recorded estimates are made again the same in every clone.
    @Test func filesTheCommitsAttributesMarkAreNotScored() async throws {
        let fixture = try await Fixture.make()
        let body = (1...10).map { "    total_\($0) = sum(values) * \($0)" }.joined(separator: "\n")
        try fixture.sandbox.write(
            "api/client.py linguist-generated\nthird/** linguist-vendored=true\nkept/*.py -linguist-generated\n",
            to: ".gitattributes", in: fixture.repository)
        for path in ["api/client.py", "third/lib/x.py", "kept/own.py", "own.py"] {
            try fixture.sandbox.write("def f(values):\n\(body)\n", to: path, in: fixture.repository)
        }
        let commit = try await fixture.sandbox.commitAll("Add code", in: fixture.repository)
        func blocks() async throws -> [String: JSONValue] {
            let output = try await fixture.trace("classify", "--json", "--content-only", commit)
            try #require(output.status == 0, "\(output)")
            let listed = try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue?.first
            var byPath = [String: JSONValue]()
            for block in listed?["blocks"]?.arrayValue ?? [] { byPath[block["path"]?.stringValue ?? ""] = block }
            return byPath
        }
        let read = try await blocks()
        #expect(read["api/client.py"]?["unknown_because"]?.stringValue == "marked linguist-generated in .gitattributes")
        #expect(read["third/lib/x.py"]?["unknown_because"]?.stringValue == "marked linguist-vendored in .gitattributes")
        #expect(read["kept/own.py"]?["probability_bp"]?.integerValue != nil, "\(read)")
        #expect(read["own.py"]?["probability_bp"]?.integerValue != nil, "\(read)")
        #expect(try await fixture.trace("classify", "--record", "--content-only").status == 0)
        let recorded = try #require(try await estimates(fixture, commit).first)
        #expect(Set(recorded.blocks.map(\.path)) == ["kept/own.py", "own.py"])

        // Attributes from outside the commit: none counts.
        try fixture.sandbox.write("own.py linguist-generated\n", to: ".git/info/attributes", in: fixture.repository)
        let global = try fixture.sandbox.write("kept/*.py linguist-vendored\n", to: "attrs", in: fixture.sandbox.root)
        try await fixture.git("config", "core.attributesFile", global.path)
        try fixture.sandbox.write("*.py linguist-generated\n", to: ".gitattributes", in: fixture.repository)
        try await fixture.git("add", ".gitattributes")
        let again = try await blocks()
        #expect(again["own.py"]?["probability_bp"] == read["own.py"]?["probability_bp"], "\(again)")
        #expect(again["kept/own.py"]?["probability_bp"]?.integerValue != nil, "\(again)")
        let verified = try await fixture.verify("--content")
        #expect(verified.status == 0 && !verified.stdout.contains("warning"), "\(verified)")
    }

    /// Blocks come from git's default diff whatever the user configured: without the
    /// indent heuristic this change's hunk starts a line later and its block scores
    /// differently, so an estimate recorded in one clone failed `verify --content` in
    /// another. Nor do prefixes, inter-hunk context, path quoting or file order count.
    @Test func estimatesAreMadeAgainTheSameWhateverTheUsersDiffSettings() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(test("a", 3) + test("z", 3), to: "test_f.py", message: "tests")
        try await fixture.commit(test("a", 3) + test("m", 9) + test("z", 3), to: "test_f.py", message: "one more")
        try await fixture.commit(test("b", 9), to: "caf\u{E9}/b_test.py", message: "another")
        func blocks() async throws -> [String] {
            let output = try await fixture.trace("classify", "--json", "--content-only")
            try #require(output.status == 0, "\(output)")
            let commits = try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue ?? []
            return commits.flatMap { commit in
                (commit["blocks"]?.arrayValue ?? []).map {
                    "\($0["path"]?.stringValue ?? "") \($0["start_line"]?.integerValue ?? 0) "
                        + "\($0["probability_bp"]?.integerValue ?? -1)"
                }
            }
        }
        let before = try await blocks()
        #expect(before.count == 3, "\(before)")
        #expect(try await fixture.trace("classify", "--record", "--content-only").status == 0)
        let order = try fixture.sandbox.write("z*\n*\n", to: "order", in: fixture.sandbox.root)
        for (name, value) in [
            ("diff.indentHeuristic", "false"), ("diff.algorithm", "patience"), ("diff.noprefix", "true"),
            ("diff.interHunkContext", "10"), ("core.quotePath", "false"), ("diff.orderFile", order.path),
            ("core.bigFileThreshold", "1"),
        ] {
            try await fixture.git("config", name, value)
        }
        #expect(try await blocks() == before)
        let verified = try await fixture.verify("--content")
        #expect(verified.status == 0 && !verified.stdout.contains("warning"), "\(verified)")
    }

    /// Signed estimates that claim lines the commit did not add, or that a key outside
    /// the trust signed, are never used.
    @Test func anEstimateOfLinesNotAddedFailsVerification() async throws {
        let (fixture, commits) = try await history()
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let commit = try #require(ObjectID(hex: commits["plain"]!))
        let estimate = Estimate(
            tool: ToolInfo(name: "git-trace", version: "0.2.0"),
            signer: SignerInfo(email: "alice@example.com", publicKey: nil),
            estimatedAt: "2026-12-01T00:00:00Z", model: "sessiontrace-lr-20261206",
            modelSHA256: String(repeating: "ab", count: 32), contentOnly: true, evidence: [], probabilityBP: 9_000,
            blocks: [.init(path: "tool.py", lines: 1...500, probabilityBP: 9_000)], unscoredLines: 0)
        let signer = SigningIdentity(
            key: try fixture.signingKey(), email: "alice@example.com", keyPath: fixture.keyPath)
        try RecordBuilder(repository: repository).recordEstimates([(commit, estimate)], signer: signer)
        let verified = try await fixture.verify()
        #expect(verified.status == 1 && verified.stdout.contains("range-not-added"), "\(verified)")
        let json = try await report(fixture)
        #expect(json["estimates"] == .null)
        #expect(json["integrity"]?["problems"] == .object(["range-not-added": .integer(1)]))
        // Without a trust file the claim is cut to the 11 lines the commit added.
        let untrusted = try await fixture.sandbox.traceArgs(
            ["report", "--format", "json", "--no-tree"], in: fixture.repository)
        let cut = try JSONValue(parsing: Array(untrusted.stdout.utf8))["estimates"]
        #expect(cut?["lines_scored"]?.integerValue == 11, "\(untrusted)")
    }

    /// Under --content an estimate is made again: a trusted signer cannot state numbers
    /// the named model does not give; another model's estimate is said not to be remade.
    @Test func contentChecksMakeTheEstimateAgain() async throws {
        let (fixture, commits) = try await history()
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let clean = try await fixture.verify("--content")
        #expect(clean.status == 0 && !clean.stdout.contains("warning"), "\(clean)")

        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let signer = SigningIdentity(
            key: try fixture.signingKey(), email: "alice@example.com", keyPath: fixture.keyPath)
        let plain = try #require(ObjectID(hex: commits["plain"]!))
        let honest = try #require(try await estimates(fixture, commits["plain"]!).first)
        var inflated = honest
        let stated = try #require(honest.probabilityBP)
        inflated.probabilityBP = stated < 5_000 ? stated + 2_000 : stated - 2_000
        inflated.blocks[0].probabilityBP = inflated.probabilityBP!
        var misplaced = honest
        misplaced.blocks[0].lines = 2...11
        var otherModel = honest
        otherModel.modelSHA256 = String(repeating: "0", count: 64)
        otherModel.model = "someone-elses-model"
        var recorded = [String]()
        for changed in [inflated, misplaced, otherModel] {
            var estimate = changed
            estimate.estimatedAt = "2026-12-0\(recorded.count + 2)T00:00:00Z"
            try RecordBuilder(repository: repository).recordEstimates([(plain, estimate)], signer: signer)
            recorded.append(try #require(try await fixture.noteLines(commits["plain"]!).last))
        }
        // Without --content they are well-formed records of a trusted key.
        #expect(try await fixture.verify().status == 0)
        let checked = try await fixture.verify("--content")
        #expect(checked.status == 1, "\(checked)")
        let lines = checked.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("estimate-mismatch") }.count == 2, "\(checked.stdout)")
        #expect(lines.contains { $0.contains("record 2: estimate-mismatch") && $0.contains("probability") })
        #expect(lines.contains { $0.contains("record 3: estimate-mismatch") && $0.contains("2-11") })
        #expect(
            lines.contains {
                $0.hasPrefix("warning: ") && $0.contains("record 4: estimate-not-remade")
                    && $0.contains("someone-elses-model")
            }, "\(checked.stdout)")
    }

    /// verify --content reads the commits of the next estimates in one `git log
    /// --no-walk`: each estimate made again from that reading is the one made from the
    /// commit read alone (the newest commit first, as verify goes, the root included).
    @Test func estimatesMadeAgainFromCommitsReadTogetherAreTheSame() async throws {
        let (fixture, _) = try await history()
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        let ids = try repository.commits(inRange: "HEAD")
        var estimated = [(commit: ObjectID, estimate: Estimate)]()
        for id in ids { estimated += try await estimates(fixture, id.hex).map { (id, $0) } }
        #expect(estimated.count >= 3 && estimated.contains { $0.estimate.probabilityBP != nil })
        var together = [String: HistoryReader.Commit]()
        try HistoryReader(repository: repository, readingContexts: ClassifierModel.embedded.readsFileContext).forEach(
            revisions: ["--no-walk=unsorted"] + ids.map(\.hex), paths: []
        ) { together[$0.id] = $0 }
        #expect(together.count == ids.count)
        for (commit, estimate) in estimated {
            let alone = try estimate.madeAgain(of: commit.hex, in: repository)
            let read = try #require(together[commit.hex])
            let fromTogether = try estimate.madeAgain(from: read, in: repository, model: .embedded)
            #expect(alone == fromTogether && alone.map(estimate.difference(from:)) == .some(nil), "\(commit.hex)")
        }
    }

    /// An estimate copied onto another commit's note is about the other commit: it
    /// fails verification there and no figure uses it.
    @Test func aCopiedEstimateIsAboutItsOwnCommit() async throws {
        let (fixture, commits) = try await history()
        #expect(
            try await fixture.trace("classify", "--record", "\(commits["trailer"]!)~1..\(commits["trailer"]!)").status
                == 0)
        let line = try #require(try await fixture.noteLines(commits["trailer"]!).first)
        try await fixture.overwriteNote(commits["plain"]!, lines: [line])
        let verified = try await fixture.verify()
        #expect(verified.status == 1 && verified.stdout.contains("subject-mismatch"), "\(verified)")
        let json = try await report(fixture)
        #expect(json["estimates"]?["commits"]?.integerValue == 1, "\(json["estimates"] ?? .null)")
        let row = json["evidence"]?.arrayValue?.first { $0["commit"]?.stringValue == commits["plain"] }
        #expect(row == nil || row?["estimate_record"] == .null)
    }

    /// Capture records a commit made since it began even when someone estimated it
    /// first, and walks past it to the commits before: an estimate is not a record.
    /// A repository with capture on, and a commit made while its post-commit hook was
    /// away, then estimated: `code` is what the commit added to tool.py.
    func estimatedWithoutCapture() async throws -> (fixture: Fixture, estimated: String, code: String) {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write("seed\n", to: "seed.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("seed")
        let hook = fixture.repository.appendingPathComponent(".git/hooks/post-commit")
        let aside = fixture.repository.appendingPathComponent(".git/post-commit.aside")
        try FileManager.default.moveItem(at: hook, to: aside)
        let code = "def compute(values):\n" + (1...10).map { "    total_\($0) = sum(values) * \($0)\n" }.joined()
        let estimated = try await fixture.commit(code, to: "tool.py", message: "Add tool")
        let run = try await fixture.trace("classify", "--record", "HEAD~1..HEAD")
        #expect(run.stdout.contains("recorded 1 estimate record"), "\(run)")
        try FileManager.default.moveItem(at: aside, to: hook)
        return (fixture, estimated, code)
    }

    @Test func captureRecordsACommitThatOnlyHasAnEstimate() async throws {
        let (fixture, estimated, _) = try await estimatedWithoutCapture()
        try fixture.sandbox.write("more\n", to: "notes.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("after")
        let attributed = try await eventually {
            try await fixture.noteLines(estimated).contains {
                (try? Statement(envelope: Envelope(line: $0)))?.attribution != nil
            }
        }
        #expect(attributed, "the estimated commit got no attribution record")
        // Captured now: classify lists it as captured and the report ignores its estimate.
        let json = try JSONValue(parsing: Array(try await fixture.trace("classify", "--json").stdout.utf8))
        let entry = json["commits"]?.arrayValue?.first { $0["commit"]?.stringValue == estimated }
        #expect(entry?["captured"] == .bool(true))
        #expect(try await report(fixture)["estimates"] == .null)
    }

    /// An amend does not carry an estimate: it stays on the commit it estimated, and
    /// the lines the amend takes over from it are nobody's in the new commit's record
    /// (spec/capture.md §6), never the person's who amended.
    @Test func anAmendLeavesTheEstimateOnTheCommitItEstimated() async throws {
        let (fixture, estimated, code) = try await estimatedWithoutCapture()
        try fixture.sandbox.write(code + "    return total_10\n", to: "tool.py", in: fixture.repository)
        let amend = try await fixture.sandbox.run(
            "git", ["commit", "-q", "-a", "--amend", "--no-edit"], in: fixture.repository,
            environment: ["SESSIONTRACE_FOREGROUND": "1"])
        #expect(amend.status == 0, "\(amend)")
        let amended = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        #expect(try await estimates(fixture, estimated).count == 1)
        #expect(try await estimates(fixture, amended).isEmpty)
        let record = try await fixture.attribution(amended)
        #expect(record.origins("tool.py") == lines((12...12, "human")), "\(record.origins("tool.py"))")
        let verified = try await fixture.verify()
        #expect(verified.status == 0, "\(verified)")
    }

    @Test func badInputIsRefusedInOneLine() async throws {
        let (fixture, _) = try await history()
        let keyless = try await fixture.trace("classify", "--key", fixture.keyPath)
        #expect(
            keyless.failedCleanly && keyless.stderr.contains("--key signs estimates: it needs --record"), "\(keyless)")
        let partial = try await fixture.trace("classify", "--record", "--paths", "tool.py")
        #expect(partial.failedCleanly && partial.stderr.contains("cannot be used with --paths"), "\(partial)")
        let missing = try await fixture.trace("classify", "--record", "--key", "/nonexistent/key.pem")
        #expect(missing.failedCleanly && missing.stderr.contains("/nonexistent/key.pem"), "\(missing)")
        #expect(
            try await fixture.sandbox.run("git", ["notes", "--ref", "sessiontrace", "list"], in: fixture.repository)
                .stdout.isEmpty)
    }
}
