import CanonicalJSON
import Classifier
import Foundation
import Git
import Records
import TestSupport
import Testing

/// `git trace classify` on a real history: metadata named first, content scored,
/// what carries no signal unknown, bad input refused in one line.
@Suite struct ClassifyTests {
    static let code = (1...12).map { "    let value\($0) = compute(\($0)) // step \($0)" }.joined(separator: "\n")

    func history() async throws -> (Fixture, [String: String]) {
        let fixture = try await Fixture.make()
        var commits = [String: String]()
        // Before coding assistants existed.
        try fixture.sandbox.write("func old() {\n\(Self.code)\n}\n", to: "old.swift", in: fixture.repository)
        try await fixture.git("add", "-A")
        _ = try await fixture.sandbox.run(
            "git", ["commit", "-q", "-m", "old code"], in: fixture.repository,
            environment: ["GIT_AUTHOR_DATE": "2019-03-01T12:00:00Z", "GIT_COMMITTER_DATE": "2019-03-01T12:00:00Z"])
        commits["old"] = try await fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
        commits["trailer"] = try await fixture.commit(
            "func helper() {\n\(Self.code)\n}\n", to: "Sources/helper.swift",
            message: "Add helper\n\nCo-authored-by: Claude <noreply@anthropic.com>")
        commits["plain"] = try await fixture.commit(
            "def compute(values):\n" + (1...10).map { "    total_\($0) = sum(values) * \($0)" }.joined(separator: "\n")
                + "\n", to: "tool.py", message: "Add tool")
        commits["short"] = try await fixture.commit("x = 1\n", to: "short.py", message: "tiny")
        commits["vendored"] = try await fixture.commit(
            "func v() {\n\(Self.code)\n}\n", to: "vendor/lib/v.swift", message: "vendor")
        return (fixture, commits)
    }

    @Test func jsonNamesTheEvidenceAndLeavesWhatCarriesNoSignalUnknown() async throws {
        let (fixture, commits) = try await history()
        let output = try await fixture.trace("classify", "--json")
        #expect(output.status == 0, "\(output)")
        let document = try JSONValue(parsing: Array(output.stdout.utf8))
        let listed = try #require(document["commits"]?.arrayValue)
        func entry(_ name: String) throws -> JSONValue {
            try #require(listed.first { $0["commit"]?.stringValue == commits[name] })
        }
        #expect(listed.count == 5)
        #expect(try entry("trailer")["probability_bp"]?.integerValue == 9_900)
        #expect(try entry("trailer")["signals"]?.arrayValue?.first?["name"]?.stringValue == "ai-coauthor-trailer")
        #expect(try entry("old")["probability_bp"]?.integerValue == 100)
        #expect(try entry("old")["signals"]?.arrayValue?.first?["name"]?.stringValue == "before-ai-assistants")
        let plain = try entry("plain")
        let bp = try #require(plain["probability_bp"]?.integerValue)
        #expect((0...10_000).contains(bp))
        let block = try #require(plain["blocks"]?.arrayValue?.first)
        #expect(block["path"]?.stringValue == "tool.py" && block["start_line"]?.integerValue == 1)
        #expect(block["end_line"]?.integerValue == 11 && block["probability_bp"]?.integerValue != nil)
        #expect(try entry("short")["probability_bp"] == .null)
        #expect(
            try entry("short")["blocks"]?.arrayValue?.first?["unknown_because"]?.stringValue?.hasPrefix("fewer than")
                == true)
        #expect(try entry("vendored")["probability_bp"] == .null)
        #expect(document["model"]?.stringValue?.hasPrefix("sessiontrace-lr-") == true)
        let summary = try #require(document["summary"])
        #expect(summary["commits"]?.integerValue == 5 && summary["commits_scored"]?.integerValue == 3)
        #expect(summary["lines_scored"]?.integerValue == Int64(14 + 14 + 11))
        #expect(summary["estimated_ai_lines_95"]?.arrayValue?.count == 2)
    }

    /// The summary reads the blocks scored from content through the model's share
    /// calibration (spec/classifier.md §6), and the blocks metadata settled at their
    /// probability: its figures are those of the blocks listed.
    @Test func theSummaryReadsContentScoresThroughTheModelsShareCalibration() async throws {
        let (fixture, _) = try await history()
        let calibration = ClassifierModel.embedded.shareCalibration
        #expect(calibration.separatesClasses && calibration.humanMean < calibration.aiMean)
        for contentOnly in [false, true] {
            let output = try await fixture.sandbox.traceArgs(
                ["classify", "--json"] + (contentOnly ? ["--content-only"] : []), in: fixture.repository)
            #expect(output.status == 0, "\(output)")
            let document = try JSONValue(parsing: Array(output.stdout.utf8))
            var tally = EstimateTally()
            var settledLines = 0
            for commit in try #require(document["commits"]?.arrayValue) {
                let settled = (commit["signals"]?.arrayValue ?? []).contains {
                    Estimate.evidenceNames.contains($0["name"]?.stringValue ?? "")
                }
                for block in commit["blocks"]?.arrayValue ?? [] {
                    guard let bp = block["probability_bp"]?.integerValue else { continue }
                    let lines = Int(block["end_line"]!.integerValue!) - Int(block["start_line"]!.integerValue!) + 1
                    tally.add(lines: lines, probabilityBP: Int(bp), settled: settled)
                    if settled { settledLines += lines }
                }
            }
            #expect(settledLines == (contentOnly ? 0 : 28))
            let summary = try #require(document["summary"])
            let expected = tally.figures(calibration)
            for (member, value) in expected.jsonMembers {
                #expect(summary[member] == value, "\(member) content only: \(contentOnly)")
            }
            #expect(expected.linesWithoutCalibration == 0 && expected.readableLines == 39)
            let interval = try #require(summary["estimated_ai_lines_95"]?.arrayValue)
            let estimated = try #require(summary["estimated_ai_lines"]?.integerValue)
            #expect(interval[0].integerValue! <= estimated && estimated <= interval[1].integerValue!)
        }
    }

    /// What classify and blame read of history is the commits' own: a commit-graph (a
    /// cache anyone holding the repository can write) that gives the plain commit its
    /// parent's tree, and makes the trailer's commit a root, changes no answer.
    @Test func aForgedCommitGraphChangesNoAnswer() async throws {
        let (fixture, commits) = try await history()
        func answers() async throws -> [String] {
            let classified = try await fixture.trace("classify", "--json", "--content-only")
            let blamed = try await fixture.trace("blame", "tool.py")
            let log = try await fixture.trace("log", "-n", "10")
            try #require(
                classified.status == 0 && blamed.status == 0 && log.status == 0, "\(classified)\(blamed)\(log)")
            return [classified.stdout, blamed.stdout, log.stdout]
        }
        let expected = try await answers()
        try await fixture.git("commit-graph", "write", "--reachable")
        let git = fixture.repository.appendingPathComponent(".git")
        let parentTree = try await fixture.git("rev-parse", "\(commits["plain"]!)^^{tree}")
        try forgeCommitGraph(
            gitDirectory: git, commit: commits["plain"]!, tree: parentTree.trimmingCharacters(in: .newlines))
        try forgeCommitGraph(gitDirectory: git, commit: commits["trailer"]!, root: true)
        #expect(
            try await fixture.git("log", "-1", "--format=%T", commits["plain"]!) == parentTree,
            "git reads the graph")
        #expect(try await answers() == expected)
    }

    /// Attributes calling code binary (git then prints no lines of it) hide nothing from
    /// estimates: not local ones (`info/attributes`, `core.attributesFile`), which
    /// differ from clone to clone, nor one a commit sets; binary content stays unscored.
    @Test func attributesDoNotHideCodeFromEstimates() async throws {
        let (fixture, commits) = try await history()
        func classified() async throws -> String {
            let output = try await fixture.trace("classify", "--json", "--content-only")
            try #require(output.status == 0, "\(output)")
            return output.stdout
        }
        let expected = try await classified()
        try fixture.sandbox.write("*.py -diff\n*.swift binary\n", to: ".git/info/attributes", in: fixture.repository)
        #expect(try await fixture.git("show", "--numstat", "--format=", commits["plain"]!).hasPrefix("-\t-\t"))
        #expect(try await classified() == expected, "info/attributes")
        try FileManager.default.removeItem(at: fixture.repository.appendingPathComponent(".git/info/attributes"))
        try fixture.sandbox.write("* -diff\n", to: "attributes", in: fixture.sandbox.home)
        try await fixture.git("config", "--global", "core.attributesFile", fixture.sandbox.home.path + "/attributes")
        #expect(try await classified() == expected, "core.attributesFile")
        try await fixture.git("config", "--global", "--unset", "core.attributesFile")

        // A commit that marks its own code binary, and a file of binary content.
        try fixture.sandbox.write("*.py -diff\n", to: ".gitattributes", in: fixture.repository)
        try fixture.sandbox.write(String(repeating: "blob\0data\n", count: 12), to: "data.py", in: fixture.repository)
        let hidden = try await fixture.commit(
            "def hidden(values):\n" + (1...10).map { "    part_\($0) = max(values) + \($0)" }.joined(separator: "\n")
                + "\n", to: "hidden.py", message: "Add hidden")
        let document = try JSONValue(parsing: Array(try await classified().utf8))
        let entry = document["commits"]?.arrayValue?.first { $0["commit"]?.stringValue == hidden }
        let blocks = entry?["blocks"]?.arrayValue ?? []
        #expect(
            blocks.contains {
                $0["path"] == .string("hidden.py") && $0["start_line"] == .integer(1) && $0["end_line"] == .integer(11)
                    && $0["probability_bp"]?.integerValue != nil
            }, "\(String(describing: entry))")
        #expect(!blocks.contains { $0["path"] == .string("data.py") }, "\(String(describing: entry))")
    }

    /// Nor do attributes make binary content code: a committed `*.png diff` (git then
    /// prints the lines of an image holding code-like text) gives no block of it,
    /// while a language's driver (`diff=python`) leaves code read as before.
    @Test func attributesDoNotMakeBinaryContentCode() async throws {
        let (fixture, _) = try await history()
        try fixture.sandbox.write("*.png diff\n*.py diff=python\n", to: ".gitattributes", in: fixture.repository)
        let code =
            "def shown(values):\n" + (1...10).map { "    part_\($0) = min(values) + \($0)" }.joined(separator: "\n")
        try fixture.sandbox.write("\u{89}PNG\0\n" + code + "\n", to: "image.png", in: fixture.repository)
        let commit = try await fixture.commit(code + "\n", to: "shown.py", message: "Add shown")
        #expect(try await fixture.git("show", "--numstat", "--format=", commit).contains("12\t0\timage.png"))
        let output = try await fixture.trace("classify", "--json", "--content-only", "HEAD~1..HEAD")
        try #require(output.status == 0, "\(output)")
        let entry = try JSONValue(parsing: output.stdout)["commits"]?.arrayValue?.first
        let paths = (entry?["blocks"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        #expect(paths.contains("shown.py") && !paths.contains("image.png"), "\(String(describing: entry))")
    }

    /// A submodule's own changes are not the commit's: classify reads the same blocks,
    /// and the report counts the same lines, whatever `diff.submodule` (`diff` prints
    /// the submodule's files as the commit's), `diff.ignoreSubmodules` or the `ignore`
    /// of `.gitmodules` say.
    @Test func submoduleSettingsChangeNoAnswer() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.commit("seed\n", to: "README")
        let library = try await fixture.sandbox.makeRepository("library")
        try fixture.sandbox.write("lib\n", to: "lib.txt", in: library)
        try await fixture.sandbox.commitAll("library", in: library)
        try await fixture.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "lib")
        try await fixture.sandbox.commitAll("add the submodule", in: fixture.repository)
        let submodule = fixture.repository.appendingPathComponent("lib")
        try fixture.sandbox.write("def inner():\n\(Self.code)\n", to: "inner.py", in: submodule)
        try await fixture.sandbox.commitAll("code in the library", in: submodule)
        try fixture.sandbox.write(numberedLines(3), to: "top.txt", in: fixture.repository)
        try await fixture.sandbox.commitAll("bump the library", in: fixture.repository)
        func answers() async throws -> [String] {
            let classified = try await fixture.trace("classify", "--json", "--content-only")
            let report = try await fixture.trace("report", "--format", "json")
            try #require(classified.status == 0 && report.status == 0, "\(classified)\(report)")
            return [classified.stdout, "\(String(describing: try JSONValue(parsing: report.stdout)["lines_added"]))"]
        }
        let expected = try await answers()
        #expect(!expected[0].contains("inner.py"))
        for setting in ["diff.submodule=diff", "diff.ignoreSubmodules=all"] {
            let parts = setting.split(separator: "=").map(String.init)
            try await fixture.git("config", parts[0], parts[1])
            #expect(try await answers() == expected, "\(setting)")
            try await fixture.git("config", "--unset", parts[0])
        }
        try await fixture.git("config", "-f", ".gitmodules", "submodule.lib.ignore", "all")
        #expect(try await answers() == expected, ".gitmodules")
    }

    /// `GIT_DIFF_OPTS` in the environment (git then writes context lines in every hunk,
    /// over `-U0`) changes no block, nor does `GIT_SHALLOW_FILE` (another list of
    /// shallow boundaries than the repository's).
    @Test func gitVariablesInTheEnvironmentChangeNoBlock() async throws {
        let (fixture, _) = try await history()
        try fixture.sandbox.write(
            "def compute(values):\n" + (1...10).map { "    total_\($0) = sum(values) * \($0)" }.joined(separator: "\n")
                + "\n    extra = 1\n" + (1...9).map { "    more_\($0) = min(values) - \($0)" }.joined(separator: "\n")
                + "\n", to: "tool.py", in: fixture.repository)
        try await fixture.sandbox.commitAll("grow the tool", in: fixture.repository)
        func classified(_ environment: [String: String]) async throws -> String {
            let output = try await fixture.sandbox.run(
                "git", ["trace", "classify", "--json", "--content-only"], in: fixture.repository,
                environment: environment)
            try #require(output.status == 0, "\(output)")
            return output.stdout
        }
        let expected = try await classified([:])
        #expect(try await classified(["GIT_DIFF_OPTS": "--unified=3"]) == expected)
        // Another list of shallow boundaries than the repository's (it has none).
        let head = try await fixture.git("rev-parse", "HEAD~1")
        let list = try fixture.sandbox.write(head, to: "shallow-list", in: fixture.sandbox.root)
        #expect(try await classified(["GIT_SHALLOW_FILE": list.path]) == expected)
    }

    /// The root commit's lines are read whatever `log.showRoot` says (false: git shows
    /// the root commit without its diff).
    @Test func theRootCommitIsReadWhateverLogShowRootSays() async throws {
        let (fixture, commits) = try await history()
        func answers() async throws -> [String] {
            let classified = try await fixture.trace("classify", "--json", "--content-only")
            let report = try await fixture.trace("report", "--format", "json", "--no-tree")
            try #require(classified.status == 0 && report.status == 0, "\(classified)\(report)")
            return [classified.stdout, "\(String(describing: try JSONValue(parsing: report.stdout)["lines_added"]))"]
        }
        let expected = try await answers()
        let root = try JSONValue(parsing: Array(expected[0].utf8))["commits"]?.arrayValue?.first {
            $0["commit"]?.stringValue == commits["old"]
        }
        #expect(root?["blocks"]?.arrayValue?.isEmpty == false, "\(String(describing: root))")
        try await fixture.git("config", "log.showRoot", "false")
        #expect(try await answers() == expected)
    }

    @Test func contentOnlyIgnoresTrailersAuthorsAndDates() async throws {
        let (fixture, commits) = try await history()
        let output = try await fixture.trace("classify", "--json", "--content-only")
        #expect(output.status == 0, "\(output)")
        let document = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(document["content_only"] == .bool(true))
        for entry in document["commits"]?.arrayValue ?? [] {
            for signal in entry["signals"]?.arrayValue ?? [] {
                let name = signal["name"]?.stringValue ?? ""
                #expect(!["ai-coauthor-trailer", "before-ai-assistants", "agent-author"].contains(name))
            }
        }
        let trailer = document["commits"]?.arrayValue?.first { $0["commit"]?.stringValue == commits["trailer"] }
        #expect(trailer?["probability_bp"]?.integerValue != 9_900)
    }

    @Test func textSaysItIsAnEstimateAndRangesAndPathsLimitIt() async throws {
        let (fixture, commits) = try await history()
        let text = try await fixture.trace("classify")
        #expect(text.status == 0 && text.stdout.contains("An estimate, not captured data."), "\(text)")
        #expect(text.stdout.contains("\(commits["trailer"]!.prefix(12))  99.0 %  high (ai-coauthor-trailer)"))
        let ranged = try await fixture.trace("classify", "\(commits["trailer"]!)..HEAD", "--json")
        #expect(try JSONValue(parsing: Array(ranged.stdout.utf8))["commits"]?.arrayValue?.count == 3)
        let paths = try await fixture.trace("classify", "--paths", "tool.py", "--json")
        #expect(try JSONValue(parsing: Array(paths.stdout.utf8))["commits"]?.arrayValue?.count == 1)
    }

    /// A commit with a record has capture data: listed, never estimated.
    @Test func capturedCommitsAreNotEstimated() async throws {
        let (fixture, commits) = try await history()
        let recorded = try await fixture.trace(
            "record", commits["plain"]!, "--file", "tool.py", "--lines", "1-11", "--origin", "human")
        #expect(recorded.status == 0, "\(recorded)")
        let output = try await fixture.trace("classify", "--json")
        let document = try JSONValue(parsing: Array(output.stdout.utf8))
        let plain = try #require(
            document["commits"]?.arrayValue?.first { $0["commit"]?.stringValue == commits["plain"] })
        #expect(plain["captured"] == .bool(true) && plain["probability_bp"] == .null)
        #expect(plain["blocks"]?.arrayValue?.first?["unknown_because"]?.stringValue == "captured")
        #expect(document["summary"]?["commits_captured"]?.integerValue == 1)
        #expect(document["summary"]?["lines_scored"]?.integerValue == Int64(14 + 14))
        let text = try await fixture.trace("classify")
        #expect(text.stdout.contains("\(commits["plain"]!.prefix(12))  captured"), "\(text)")
    }

    /// A commit message cannot forge another commit's entry, nor end its own early:
    /// what follows a line of the old header format stays in its message.
    /// In a shallow clone git reads the boundary commit's diff as its whole tree: the
    /// commit is not estimated (nor settled by its trailer, nor recorded), and the
    /// commits above it are estimated as in the full history.
    @Test func aShallowClonesBoundaryCommitIsNotEstimated() async throws {
        let (fixture, commits) = try await history()
        for (depth, boundary, above) in [(4, "trailer", "vendored"), (3, "plain", "vendored")] {
            let clone = try await fixture.shallowClone(depth: depth, notes: false)
            let output = try await fixture.sandbox.traceArgs(["classify", "--json", "--record"], in: clone)
            #expect(output.status == 0, "\(output)")
            let listed = try #require(try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue)
            let edge = try #require(listed.first { $0["commit"]?.stringValue == commits[boundary] })
            #expect(edge["probability_bp"] == .null && edge["blocks"]?.arrayValue == [], "\(depth): \(edge)")
            #expect(edge["signals"]?.arrayValue?.map { $0["name"]?.stringValue } == ["shallow-boundary"])
            let full = try await fixture.trace("classify", "--json", "\(commits["short"]!)..\(commits[above]!)")
            let ownEntry = try #require(try JSONValue(parsing: Array(full.stdout.utf8))["commits"]?.arrayValue?.first)
            #expect(listed.first { $0["commit"]?.stringValue == commits[above] } == ownEntry, "\(depth)")
            let text = try await fixture.sandbox.traceArgs(["classify", commits[boundary]!], in: clone)
            #expect(text.stdout.contains("unknown   (its parents are not in this shallow clone"), "\(text)")
            let notes = try await fixture.sandbox.run(
                "git", ["notes", "--ref", "sessiontrace", "show", commits[boundary]!], in: clone)
            #expect(notes.status != 0, "no estimate recorded for the boundary commit")
        }
    }

    /// An estimate recorded in the full history is checked in a shallow clone whose
    /// boundary it is on: it cannot be made again there, which is said, never called a
    /// mismatch.
    @Test func estimatesOfABoundaryCommitAreNotMadeAgainInAShallowClone() async throws {
        let (fixture, _) = try await history()
        let tiny = try await fixture.commit(
            "y = 2\n", to: "tiny.py", message: "Tiny\n\nCo-authored-by: Claude <noreply@anthropic.com>")
        #expect(try await fixture.trace("classify", "--record").status == 0)
        let clone = try await fixture.shallowClone(depth: 1)
        let verified = try await fixture.sandbox.traceArgs(
            ["verify", "--content", "--trust", fixture.trustFile.path, "HEAD"], in: clone)
        #expect(verified.status == 0, "\(verified)")
        #expect(!verified.stdout.contains("mismatch") && !verified.stderr.contains("mismatch"), "\(verified)")
        #expect((verified.stdout + verified.stderr).contains("shallow clone"), "\(verified)")
        // In the full history the same estimate is made again and matches.
        let full = try await fixture.trace("verify", "--content", "--trust", fixture.trustFile.path, tiny)
        #expect(full.status == 0 && !(full.stdout + full.stderr).contains("not made again"), "\(full)")
    }

    /// A block's file context is its file in the commit's first parent, around where
    /// the block now starts (spec/classifier.md §3.4): none for a file the commit added,
    /// and the scores differ with the file the block went into.
    @Test func blocksAreScoredWithTheirFileInTheParent() async throws {
        let fixture = try await Fixture.make()
        let old = (1...150).map { "old_line_\($0) = compute_\($0)()" }
        let block = (1...12).map { "    fresh_value_\($0) = transform(\($0))  # step \($0)" }
        try await fixture.commit(old.joined(separator: "\n") + "\n", to: "lib.py", message: "old")
        let added = try await fixture.commit(
            (old[..<120] + ["def fresh():"] + block + old[120...]).joined(separator: "\n") + "\n", to: "lib.py",
            message: "insert")
        let fresh = try await fixture.commit(
            (["def fresh():"] + block).joined(separator: "\n") + "\n", to: "new.py", message: "new file")
        let repository = try Repository(discoveringFrom: fixture.repository.path)
        var read = [String: [AddedBlock]]()
        try HistoryReader(repository: repository, readingContexts: true).forEach(revisions: ["HEAD"], paths: []) {
            read[$0.id] = $0.blocks
        }
        let inserted = try #require(read[added]?.first)
        #expect(inserted.startLine == 121 && inserted.lines.count == 13)
        // Lines 20 to 219 of the parent, cut at its end (150 lines and the empty one after the last LF).
        let expected = (old[20...] + [""]).map { Array($0.utf8)[...] }
        let context: [[UInt8]]? = inserted.context?.map { Array($0) }
        #expect(context == expected.map { Array($0) })
        #expect(read[fresh]?.first?.context == nil, "a file the commit added has no parent version")
        #expect(read.values.flatMap { $0 }.filter { $0.context != nil }.count == 1, "the root commit's has none")
        // For a model that does not weigh it (format 3), no context is read.
        try HistoryReader(repository: repository, readingContexts: false).forEach(revisions: ["HEAD"], paths: []) {
            #expect($0.blocks.allSatisfy { $0.context == nil })
        }

        let output = try await fixture.trace("classify", "--json", "--content-only")
        let listed = try #require(try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue)
        func probability(_ commit: String) -> Int64? {
            let entry: JSONValue? = listed.first { $0["commit"]?.stringValue == commit }
            let first: JSONValue? = entry?["blocks"]?.arrayValue?.first
            return first?["probability_bp"]?.integerValue
        }
        let withContext = try #require(probability(added)), without = try #require(probability(fresh))
        if ClassifierModel.embedded.readsFileContext {
            #expect(withContext != without, "the same lines score differently in another file")
        } else {
            #expect(withContext == without, "a format 3 model scores the lines alone")
        }
    }

    @Test func aCommitMessageCannotForgeACommit() async throws {
        let fixture = try await Fixture.make()
        let forged =
            "Looks human\n\u{1}" + String(repeating: "d", count: 40) + "\u{2}Claude\u{2}0\n\u{3}\n"
            + "Co-authored-by: Claude <noreply@anthropic.com>\n"
        let commit = try await fixture.commit("func f() {\n\(Self.code)\n}\n", to: "f.swift", message: forged)
        let output = try await fixture.trace("classify", "--json")
        #expect(output.status == 0, "\(output)")
        let listed = try JSONValue(parsing: Array(output.stdout.utf8))["commits"]?.arrayValue ?? []
        #expect(listed.map { $0["commit"]?.stringValue } == [commit])
        // The trailer is the commit's own, after the forged lines: it is read.
        #expect(listed.first?["signals"]?.arrayValue?.first?["name"]?.stringValue == "ai-coauthor-trailer")
        #expect(listed.first?["blocks"]?.arrayValue?.first?["path"]?.stringValue == "f.swift")
    }

    @Test func badInputIsRefusedInOneLine() async throws {
        let (fixture, _) = try await history()
        for (arguments, message) in [
            (["classify", "no-such-branch"], "fatal: unknown revision 'no-such-branch'"),
            (["classify", "HEAD...HEAD"], "fatal: symmetric ranges"),
            (["classify", "--bogus"], "fatal: Unknown option '--bogus'"),
        ] {
            let output = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(output.failedCleanly && output.stderr.hasPrefix(message), "\(arguments): \(output)")
            #expect(output.stdout.isEmpty)
        }
        // A clone missing an object the diffs need: one line naming it, and no
        // truncated JSON document on stdout.
        let blob = try await fixture.git("rev-parse", "HEAD~2:tool.py").trimmingCharacters(in: .newlines)
        try FileManager.default.removeItem(
            at: fixture.repository.appendingPathComponent(".git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))"))
        for arguments in [["classify", "--json"], ["classify"]] {
            let damaged = try await fixture.sandbox.traceArgs(arguments, in: fixture.repository)
            #expect(
                damaged.failedCleanly && damaged.stderr.contains(blob)
                    && damaged.stderr.contains("the repository lacks that object"), "\(damaged)")
            if arguments.contains("--json") { #expect(damaged.stdout.isEmpty, "\(damaged)") }
        }
        let empty = try await Fixture.make(name: "empty")
        let none = try await empty.trace("classify")
        #expect(none.failedCleanly && none.stderr.contains("no commits yet"), "\(none)")
    }
}
