import Foundation
import Git
import Testing

@testable import Classifier

/// The Swift scorer against the training code's own scores, and what is never scored.
@Suite struct ClassifierScoringTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/classifier")

    struct Reference: Decodable {
        var file: String
        var buckets: Int
        var dense: [Double]
        var logit: Double
        var probability: Double
        var unscoredReason: String?

        enum CodingKeys: String, CodingKey {
            case file, buckets, dense, logit, probability
            case unscoredReason = "unscored_reason"
        }

        /// The path the fixture's name stands for: `30-imports.py.txt` is `imports.py`.
        var path: String { String(file.drop { $0 != "-" }.dropFirst().dropLast(".txt".count)) }
    }

    static func lines(_ data: Data) -> [ArraySlice<UInt8>] {
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    }

    /// Tests/Classifier/train.py wrote these scores with the model this binary embeds:
    /// the same features (to the last bit of every dense number, file contexts
    /// included), the same logit, and the same decision whether to score the block at
    /// all (Tests/Classifier/blocks.py). A block's parent version is `parents/NAME`,
    /// starting at the line `contexts.json` gives.
    @Test func swiftScoresEqualTheTrainingCodes() throws {
        let references = try JSONDecoder().decode(
            [Reference].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("reference.json")))
        let starts = try JSONDecoder().decode(
            [String: Int].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("contexts.json")))
        #expect(references.count >= 10)
        var contexts = 0
        var scratch = FeatureScratch()
        let model = ClassifierModel.embedded
        for reference in references {
            let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("blocks/\(reference.file)"))
            let lines = Self.lines(data)
            #expect(
                AddedBlock(path: reference.path, startLine: 1, lines: lines).unscoredReason == reference.unscoredReason,
                "\(reference.file)")
            let context = try starts[reference.file].flatMap { start in
                BlockFeatures.contextWindow(
                    parent: [UInt8](
                        try Data(contentsOf: Self.fixtures.appendingPathComponent("parents/\(reference.file)"))),
                    start: start)
            }
            if context != nil { contexts += 1 }
            let features = BlockFeatures(lines: lines, context: context, scratch: &scratch)
            #expect(features.buckets.count == reference.buckets, "\(reference.file)")
            #expect(features.dense == reference.dense, "\(reference.file)")
            let logit = model.logit(features).logit
            #expect(abs(logit - reference.logit) <= 1e-12 * max(1, abs(logit)), "\(reference.file): \(logit)")
            #expect(
                CommitClassifier.basisPoints(model.blockProbability(logit))
                    == CommitClassifier.basisPoints(reference.probability), "\(reference.file)")
        }
        // Parents around the block, past its end, and of white space or nothing only.
        #expect(contexts >= 4 && contexts < starts.count)
    }

    /// The window read only as far as it goes is the window of the file split whole
    /// (spec/classifier.md §3.4), on files of any shape and any start.
    @Test func theContextWindowIsTheParentsLinesAroundTheStart() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...600, using: &generator)
            let parent = (0..<count).map { _ in [0x0A, 0x0A, 0x20, 0x09, 0x61, 0x7B][Int.random(in: 0..<6)] as UInt8 }
            let start = Int.random(in: -5...400, using: &generator)
            let lines = parent.split(separator: 0x0A, omittingEmptySubsequences: false)
            let low = max(0, start - 1 - BlockFeatures.contextRadius)
            let high = min(lines.count, max(0, start - 1 + BlockFeatures.contextRadius))
            var expected: [[UInt8]]? = low < high ? lines[low..<high].map { Array($0) } : nil
            if let window = expected, !window.contains(where: { $0.contains { $0 != 0x20 && $0 != 0x09 } }) {
                expected = nil
            }
            let window: [[UInt8]]? = BlockFeatures.contextWindow(parent: parent, start: start)?.map { Array($0) }
            #expect(window == expected, "\(count) bytes, start \(start)")
        }
    }

    /// The scratch tables are reused from block to block: each use must count as a fresh
    /// Set would, whatever the texts before it held, through growth and long probe runs
    /// (few distinct bytes, so many equal tokens and crowded slots).
    @Test func reusedTablesCountAsAFreshSetWould() {
        var generator = SystemRandomNumberGenerator()
        var table = TokenTable()
        var buckets = BucketSet()
        for round in 0..<300 {
            let count = [0, 1, 50, 3_000][round % 4] + Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in [0x61, 0x62, 0x20, 0x5F, 0x2E][Int.random(in: 0..<5)] as UInt8 }
            let tokens = BlockFeatures.tokens(text)
            var expected = Set<ArraySlice<UInt8>>()
            table.begin(text: text, capacity: tokens.count)
            for range in tokens {
                #expect(table.insert(range) == expected.insert(text[range]).inserted)
            }
            #expect(table.count == expected.count)
            for probe in ["a", "ab", "b_a", "", "zz"].map({ ArraySlice($0.utf8) }) {
                #expect(table.contains(probe) == expected.contains(probe), "round \(round)")
            }
            let hashes = (0..<Int.random(in: 0...2_000, using: &generator)).map { _ in
                UInt64.random(in: 0...UInt64.max, using: &generator)
            }
            buckets.reset()
            hashes.forEach { buckets.add($0) }
            let present = Set(hashes.map { Int($0 & UInt64(BlockFeatures.hashSize - 1)) }).sorted()
            #expect(buckets.normalized().map(\.bucket) == present, "round \(round)")
        }
    }

    /// The training corpus is read from history as the scorer reads it: corpus.py pins
    /// the settings GitCommand pins, drops the variables it drops and reads no grafts or
    /// replacement objects (a setting added to one and not the other moves where the
    /// training's blocks start).
    @Test func theTrainingCodeReadsHistoryAsTheScorerDoes() throws {
        let corpus = try String(
            contentsOf: Self.fixtures.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "Classifier/corpus.py"), encoding: .utf8)
        func list(_ name: String) throws -> [String] {
            let start = try #require(corpus.range(of: "\n\(name) = [")).upperBound
            let end = try #require(corpus[start...].firstIndex(of: "]"))
            return corpus[start..<end].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
            }.filter { !$0.isEmpty }
        }
        let arguments: [String] = GitCommand.ignoredCommitGraph + GitCommand.pinnedHistorySettings
        var swiftSettings = [String]()
        for index in arguments.indices.dropFirst() where arguments[index - 1] == "-c" {
            swiftSettings.append(arguments[index])
        }
        #expect(Set(try list("PINNED")) == Set(swiftSettings))
        #expect(Set(try list("DROPPED")) == GitCommand.droppedVariables)
        #expect(try list("DIFF_OPTIONS") == GitCommand.pinnedDiffOptions)
        #expect(
            GitCommand.pinnedHistorySettings.contains("--no-replace-objects")
                && corpus.contains("\"--no-replace-objects\""))
        #expect(
            GitCommand.ignoredGrafts == ["GIT_GRAFT_FILE": "/dev/null"]
                && corpus.contains("GIT_GRAFT_FILE=\"/dev/null\""))
    }

    struct MetadataCase: Decodable {
        var note: String
        var author: String
        var email: String
        var message: String
        var signal: String?
        var shown: String?
    }

    /// Tests/Classifier/markers.py, which labels the training corpus, wrote each case's
    /// answer: Evidence.swift gives the same. The cases are real trailers and authors,
    /// people who merely share a name, an employer or a word with an assistant among them.
    @Test func metadataSignalsEqualTheTrainingCodes() throws {
        let cases = try JSONDecoder().decode(
            [MetadataCase].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("metadata.json")))
        #expect(cases.count >= 30)
        #expect(cases.contains { $0.signal == nil } && cases.contains { $0.signal == "ai-assistant-trailer" })
        for item in cases {
            let found = MetadataSignal.aiSignal(authorName: item.author, authorEmail: item.email, message: item.message)
            #expect(found?.0.rawValue == item.signal, "\(item.note)")
            #expect(found?.1 == item.shown, "\(item.note)")
        }
    }

    @Test func theEmbeddedModelIsWhole() {
        let model = ClassifierModel.embedded
        #expect(model.id.hasPrefix("sessiontrace-lr-"))
        #expect(model.weights.count == BlockFeatures.hashSize)
        #expect(model.weights.contains { $0 != 0 })
        let share = model.shareCalibration
        #expect(0 < share.humanMean && share.humanMean < share.aiMean && share.aiMean < 1 && share.separatesClasses)
        #expect(
            share.humanDeviation > 0 && share.aiDeviation > 0 && share.humanDeviation < 0.5 && share.aiDeviation < 0.5)
    }

    @Test func aDamagedModelIsRefusedWithItsReason() throws {
        let bytes = ClassifierModel.embeddedBytes
        #expect(throws: ClassifierModel.FormatError.self) { try ClassifierModel(bytes: Array(bytes.dropLast())) }
        #expect(throws: ClassifierModel.FormatError.self) { try ClassifierModel(bytes: bytes + [0]) }
        var wrongMagic = bytes
        wrongMagic[0] = 0
        #expect(throws: ClassifierModel.FormatError.self) { try ClassifierModel(bytes: wrongMagic) }
        var wrongBits = bytes
        wrongBits[12] = 17
        #expect(throws: ClassifierModel.FormatError.self) { try ClassifierModel(bytes: wrongBits) }
        #expect(throws: ClassifierModel.FormatError.self) { try ClassifierModel(bytes: []) }
        // A model of format 1 has no share calibration: it is refused by its format.
        var formatOne = bytes
        formatOne[8] = 1
        formatOne.removeSubrange(72..<88)
        #expect { try ClassifierModel(bytes: formatOne) } throws: {
            ($0 as? ClassifierModel.FormatError)?.description.hasPrefix("classifier model format 1 ") == true
        }
        // Formats 3 and 4 weigh 21 and 65 dense numbers: a header pairing them otherwise
        // is refused.
        var mislabelled = bytes
        mislabelled[8] = bytes[8] == 3 ? 4 : 3
        #expect { try ClassifierModel(bytes: mislabelled) } throws: {
            ($0 as? ClassifierModel.FormatError)?.description.hasPrefix("classifier model format \(mislabelled[8]) ")
                == true
        }
        // Format 2 has the same layout, but its weights were trained on ln(1 + count).
        var formatTwo = bytes
        formatTwo[8] = 2
        #expect { try ClassifierModel(bytes: formatTwo) } throws: {
            ($0 as? ClassifierModel.FormatError)?.description.hasPrefix("classifier model format 2 ") == true
        }
    }

    func block(_ path: String, _ lines: [String], start: Int = 1) -> AddedBlock {
        AddedBlock(path: path, startLine: start, lines: lines.map { Array($0.utf8)[...] })
    }

    static let code = [
        "func total(of values: [Int]) -> Int {", "    var sum = 0", "    for value in values {",
        "        sum += value", "    }", "    return sum", "}", "", "let answer = total(of: [1, 2, 3])",
    ]

    /// A careful reader declines short blocks, imports, and code nobody here wrote.
    @Test(arguments: [
        ("src/a.swift", Array(code.prefix(7)), "fewer than 8 lines"),
        ("vendor/lib/a.swift", code, "not hand-written code"),
        ("web/app.min.js", code, "not hand-written code"),
        ("api/service.pb.go", code, "not hand-written code"),
        ("README.md", code, "not hand-written code"),
        ("Makefile", code, "not hand-written code"),
        ("node_modules/x/index.js", code, "not hand-written code"),
        ("lib/crypto.generated.mjs", code, "not hand-written code"),
        ("src/schema_generated.rs", code, "not hand-written code"),
        ("ui/app.bundle.js", code, "not hand-written code"),
        (
            "src/main.py",
            [
                "import os", "import sys", "", "from a import b", "import json", "import re", "from c import (d)",
                "import typing",
            ], "imports only"
        ),
        (
            "src/main.py",
            [
                "from typing import (", "    Any,", "    Callable,", "    Dict,", ")", "from a.b import (",
                "    c as d,", ")",
            ],
            "imports only"
        ),
        (
            "main.go", ["import (", "\t\"context\"", "\t\"fmt\"", "", "\tmcp \"x/mcp\"", "\t// tests", ")", ""],
            "imports only"
        ),
        (
            "a.ts", ["import {", "  A,", "  B,", "} from \"./x\";", "import type {", "  C,", "} from \"y\";", ""],
            "imports only"
        ),
        (
            "a.rs", ["use std::{", "    fs,", "    io::{self, Read},", "};", "use crate::x;", "", "", ""],
            "imports only"
        ),
        ("wasm.mjs", Array(repeating: String(repeating: "QUJD", count: 19) + "\\", count: 8), "data, not code"),
        (
            "app.js", ["var a=1;"] + Array(repeating: "", count: 6) + [String(repeating: "f(a,b);", count: 150)],
            "data, not code"
        ),
    ])
    func blocksWithoutSignalAreUnknown(path: String, lines: [String], reason: String) {
        let added = block(path, lines)
        #expect(added.unscoredReason?.hasPrefix(reason) == true, "\(added.unscoredReason ?? "scored")")
        var classifier = CommitClassifier(contentOnly: true)
        let estimate = classifier.estimate(
            commit: "c", authorName: "A", authorTime: 1_800_000_000, message: "m", blocks: [added])
        #expect(estimate.probabilityBP == nil && estimate.confidence == nil && estimate.blocks[0].probabilityBP == nil)
    }

    /// Code that looks like an import or like data at a glance is still scored: a C#
    /// `using` statement, a Python import followed by code, code with long identifiers
    /// on lines without spaces, one long line among many short ones.
    @Test(arguments: [
        (
            "a.cs",
            ["using (var s = File.Open(path))", "{", "    Read(s);", "    Close();", "}", "", "Done();", "Exit();"]
        ),
        ("a.cs", ["using (", "    var s = File.Open(path))", "{", "    Read(s);", "}", "", "Done();", "Exit();"]),
        ("a.py", ["from a import (", "    b,", ")", "", "def f():", "    return b", "", "f()"]),
        ("a.js", Array(repeating: "expect(client.gauge).to.have.been.calledWith('gc.pause.by.type.max')", count: 8)),
        ("a.swift", Array(repeating: code, count: 9).flatMap { $0 } + [String(repeating: "ab ", count: 340)]),
    ])
    func codeThatOnlyLooksLikeImportsOrDataIsScored(path: String, lines: [String]) {
        #expect(block(path, lines).unscoredReason == nil)
    }

    @Test func scoredBlocksHaveAProbabilityAndTheFeaturesThatMovedIt() {
        var classifier = CommitClassifier(contentOnly: true)
        let estimate = classifier.estimate(
            commit: "c", authorName: "A", authorTime: 1_800_000_000, message: "m",
            blocks: [block("src/a.swift", Self.code, start: 10), block("src/b.swift", ["x"])])
        let bp = try! #require(estimate.probabilityBP)
        #expect((0...10_000).contains(bp))
        #expect(estimate.blocks[0].probabilityBP != nil && estimate.blocks[0].signals.count == 3)
        #expect(estimate.blocks[0].startLine == 10 && estimate.blocks[0].endLine == 18)
        #expect(estimate.blocks[1].probabilityBP == nil)
        #expect(estimate.linesScored == 9 && estimate.linesAdded == 10)
        #expect(!estimate.signals.isEmpty && estimate.signals.allSatisfy { $0.detail.hasPrefix("strongest in") })
    }

    /// Metadata settles a commit before its content is read; --content-only reads only
    /// the content.
    @Test(
        arguments: [
            ("Jo", "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n", "ai-coauthor-trailer", 9_900),
            ("Jo", "Fix\n\nco-authored-by: Cursor Agent <cursoragent@cursor.com>\n", "ai-coauthor-trailer", 9_900),
            (
                "Jo", "Fix\n\n\u{1F916} Generated with [Claude Code](https://claude.com/claude-code)\n",
                "generated-with", 9_900
            ),
            ("Paul Gauthier (aider)", "feat: x\n", "agent-author", 9_900),
            ("copilot-swe-agent[bot]", "Add tests\n", "agent-author", 9_900),
            ("Jo", "Fix\n\nCo-authored-by: Alice <alice@example.com>\n", nil, nil),
            ("Jo", "Mention Claude in prose, not a trailer\n", nil, nil),
        ] as [(String, String, String?, Int?)])
    func metadataComesFirst(author: String, message: String, signal: String?, bp: Int?) {
        var classifier = CommitClassifier(contentOnly: false)
        let blocks = [block("src/a.swift", Self.code)]
        let estimate = classifier.estimate(
            commit: "c", authorName: author, authorTime: 1_800_000_000, message: message, blocks: blocks)
        if let signal, let bp {
            #expect(estimate.signals.first?.name == signal && estimate.probabilityBP == bp, "\(estimate.signals)")
            #expect(estimate.blocks[0].probabilityBP == bp)
        } else {
            #expect(estimate.signals.allSatisfy { $0.detail.hasPrefix("strongest in") }, "\(estimate.signals)")
        }
        var contentOnly = CommitClassifier(contentOnly: true)
        let content = contentOnly.estimate(
            commit: "c", authorName: author, authorTime: 1_800_000_000, message: message, blocks: blocks)
        #expect(content.signals.allSatisfy { $0.detail.hasPrefix("strongest in") })
    }

    @Test func codeFromBeforeAssistantsExistedIsHumanByItsDate() {
        var classifier = CommitClassifier(contentOnly: false)
        let before = classifier.estimate(
            commit: "c", authorName: "Jo", authorTime: MetadataSignal.assistantsAvailable - 1, message: "m",
            blocks: [block("src/a.swift", Self.code)])
        #expect(before.probabilityBP == 100 && before.signals.first?.name == "before-ai-assistants")
        #expect(before.confidence == "high")
        let after = classifier.estimate(
            commit: "c", authorName: "Jo", authorTime: MetadataSignal.assistantsAvailable, message: "m",
            blocks: [block("src/a.swift", Self.code)])
        #expect(after.signals.first?.name != "before-ai-assistants")
    }

    @Test(arguments: [
        (0, "high"), (1_000, "high"), (1_001, "medium"), (2_499, "medium"), (2_500, "low"),
        (7_500, "low"), (7_501, "medium"), (9_000, "high"), (10_000, "high"),
    ])
    func confidenceBands(bp: Int, band: String) {
        #expect(CommitClassifier.confidence(bp) == band)
    }
}

/// The diff reader on what git writes, and on what an attacker could commit.
@Suite struct DiffBlockReaderTests {
    func read(_ text: String) -> [AddedBlock] {
        var reader = DiffBlockReader()
        for line in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false) { reader.read(line) }
        return reader.finish()
    }

    @Test func addedLinesThatLookLikeHeadersAreLines() {
        let blocks = read(
            """
            diff --git a/a.py b/a.py
            index 1..2 100644
            --- a/a.py
            +++ b/a.py
            @@ -1,0 +2,4 @@
            ++++ b/other.py
            +@@ -1 +1 @@
            +diff --git a/x b/x
            +x
            @@ -9 +10 @@
            -old
            +new
            \\ No newline at end of file
            diff --git a/gone.py b/gone.py
            deleted file mode 100644
            --- a/gone.py
            +++ /dev/null
            @@ -1,2 +0,0 @@
            -a
            -b
            diff --git "a/na\\303\\257ve.py" "b/na\\303\\257ve.py"
            --- "a/na\\303\\257ve.py"
            +++ "b/na\\303\\257ve.py"
            @@ -0,0 +1 @@
            +print(1)
            diff --git "a/caf\\351.py" "b/caf\\351.py"
            --- "a/caf\\351.py"
            +++ "b/caf\\351.py"
            @@ -0,0 +1 @@
            +print(2)
            """)
        // A name that is not UTF-8 (Latin-1 here) keeps git's quoted form, the spelling
        // records use (spec/records.md §4.1); it is still code by its extension.
        #expect(blocks.map(\.path) == ["a.py", "a.py", "na\u{EF}ve.py", "\"caf\\351.py\""])
        #expect(AddedBlock.isScoreable(path: blocks[3].path))
        #expect(
            blocks[0].startLine == 2
                && blocks[0].lines.map { String(decoding: $0, as: UTF8.self) } == [
                    "+++ b/other.py", "@@ -1 +1 @@", "diff --git a/x b/x", "x",
                ])
        #expect(blocks[1].startLine == 10 && blocks[1].lines.count == 1)
        #expect(blocks[2].startLine == 1)
    }

    /// `Binary files … differ` names its file by the `diff --git` line before it: paths
    /// with spaces, ` b/` in them, or quoted; an added line reading the same is a line.
    @Test func filesGitCallsBinaryAreNamed() {
        var reader = DiffBlockReader()
        let diff = """
            diff --git a/img.png b/img.png
            Binary files a/img.png and b/img.png differ
            diff --git a/x b/y.py b/x b/y.py
            new file mode 100644
            Binary files /dev/null and b/x b/y.py differ
            diff --git "a/caf\\351 b/.py" "b/caf\\351 b/.py"
            Binary files "a/caf\\351 b/.py" and "b/caf\\351 b/.py" differ
            diff --git a/a.py b/a.py
            --- a/a.py
            +++ b/a.py
            @@ -0,0 +1 @@
            +Binary files a/a.py and b/a.py differ
            diff --git a/odd b/even
            Binary files a/odd and b/even differ
            """
        for line in Array(diff.utf8).split(separator: 0x0A) { reader.read(line) }
        #expect(reader.binaryByGit == ["img.png", "x b/y.py", "\"caf\\351 b/.py\""])
        #expect(reader.finish().map(\.lines.count) == [1])
        #expect(reader.binaryByGit.isEmpty)
    }

    @Test func malformedHeadersAreSkipped() {
        for header in ["@@ -a +1 @@", "@@ +1 @@", "@@ -1 1 @@", "@@ -1 +x @@", "@@"] {
            #expect(read("diff --git a/a b/a\n+++ b/a.py\n\(header)\n+x\n").isEmpty, "\(header)")
        }
    }
}
