import CanonicalJSON
import Foundation
import Ledger
import TestSupport
import Testing

/// blame and stats from records whose truth is known.
@Suite struct ReportTests {
    static let model = "anthropic/claude-sonnet-4-5-20250929"

    /// seed (3 human lines), an AI commit (4 lines), a person's edit of one AI line
    /// and a line of their own, then a commit made without hooks (no record).
    func history() async throws -> Fixture {
        let fixture = try await Fixture.make(commitHooks: true)
        try fixture.sandbox.write("h1\nh2\nh3\n", to: "app.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("seed")
        var agent = try AgentDriver(fixture, session: "s1")
        try await agent.claude("Edit", "app.txt", write: "h1\nh2\nh3\na4\na5\na6\na7\n")
        _ = try await fixture.commitRecorded("ai")
        try fixture.sandbox.write("h1\nh2\nh3\na4\na5 edited\na6\na7\nh8\n", to: "app.txt", in: fixture.repository)
        _ = try await fixture.commitRecorded("edit")
        try fixture.sandbox.write(
            "h1\nh2\nh3\na4\na5 edited\na6\na7\nh8\nu9\nu10\n", to: "app.txt", in: fixture.repository)
        try await fixture.git("add", "-A")
        try await fixture.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "no hooks")
        return fixture
    }

    /// A shallow clone's boundary commit: git log shows its whole tree as added. With a
    /// record whose `rest` is AI (every added line no range lists), the whole tree was
    /// counted as that commit's AI-written lines.
    @Test func aShallowBoundaryCommitIsNotCreditedWithTheWholeTree() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit(numberedLines(10), to: "seed.txt")
        #expect(
            try await fixture.trace("record", "HEAD", "--file", "seed.txt", "--lines", "1-10", "--origin", "human")
                .status == 0)
        try await fixture.commit("a\nb\n", to: "b.txt")
        #expect(
            try await fixture.trace(
                "record", "HEAD", "--file", "b.txt", "--lines", "1-2", "--agent", "claude-code", "--model", Self.model
            ).status == 0)
        let clone = try await fixture.shallowClone(depth: 1)
        let output = try await fixture.sandbox.traceArgs(
            ["report", "--no-tree", "--format", "json", "--trust", fixture.trustFile.path], in: clone)
        #expect(output.status == 0, "\(output)")
        let added = try JSONValue(parsing: output.stdout)["lines_added"]
        #expect(added?["ai"]?.integerValue == 0 && added?["total"]?.integerValue == 0, "\(output.stdout)")
        // The full history counts the commit's own two lines.
        let full = try await fixture.trace("report", "--no-tree", "--format", "json", "--trust", fixture.trustFile.path)
        let fullAdded = try JSONValue(parsing: full.stdout)["lines_added"]
        #expect(fullAdded?["ai"]?.integerValue == 2 && fullAdded?["total"]?.integerValue == 12, "\(full.stdout)")
    }

    @Test func blameGivesEachLinesOrigin() async throws {
        let fixture = try await history()
        let output = try await fixture.trace("blame", "app.txt", "--json")
        #expect(output.status == 0, "\(output)")
        let lines = try #require(try JSONValue(parsing: output.stdout.trimmingCharacters(in: .newlines)).arrayValue)
        #expect(
            lines.map { $0["origin"]?.stringValue ?? "" } == [
                "human", "human", "human", "ai", "mixed", "ai", "ai", "human", "unknown", "unknown",
            ])
        #expect(lines[3]["model_id"] == .string(Self.model))
        #expect(lines[3]["agent"] == .string("claude-code"))
        let text = try await fixture.trace("blame", "app.txt")
        #expect(text.stdout.split(separator: "\n")[3].contains(" ai      claude-sonnet-4-5-20250929"), "\(text)")
        let porcelain = try await fixture.trace("blame", "app.txt", "--porcelain")
        #expect(porcelain.stdout.split(separator: "\n")[4].split(separator: "\t")[2] == "mixed")
    }

    @Test func blameOfAnOldRevisionAndErrors() async throws {
        let fixture = try await history()
        let old = try await fixture.trace("blame", "app.txt", "HEAD~2", "--json")
        let lines = try #require(try JSONValue(parsing: old.stdout.trimmingCharacters(in: .newlines)).arrayValue)
        #expect(lines.count == 7)
        let missing = try await fixture.trace("blame", "nope.txt")
        #expect(missing.failedCleanly, "\(missing)")
        #expect(missing.stderr.hasPrefix("fatal: git blame: "))
    }

    @Test func statsCountEveryLineOnce() async throws {
        let fixture = try await history()
        let output = try await fixture.trace("stats", "--json")
        #expect(output.status == 0, "\(output)")
        let stats = try JSONValue(parsing: output.stdout.trimmingCharacters(in: .newlines))
        #expect(stats["commits"] == .integer(4))
        #expect(stats["commits_with_records"] == .integer(3))
        // 3 seed + 4 AI + 2 by the person (a5 edited: mixed; h8) + 2 without a record.
        #expect(stats["lines_added"] == .integer(11))
        #expect(stats["ai"] == .integer(4))
        #expect(stats["human"] == .integer(4))
        #expect(stats["mixed"] == .integer(1))
        #expect(stats["unknown"] == .integer(2))
        #expect(stats["by_model"]?.arrayValue?.first?["model_id"] == .string(Self.model))
        let text = try await fixture.trace("stats")
        #expect(text.stdout.contains("  ai               4   36.36%"), "\(text)")
        #expect(text.stdout.contains("  unknown          2   18.18%   no record"), "\(text)")
        let range = try await fixture.trace("stats", "HEAD~1..HEAD", "--json")
        #expect(try JSONValue(parsing: range.stdout.trimmingCharacters(in: .newlines))["unknown"] == .integer(2))
    }

    @Test func noRecordsIsNoDataNotZeroPercent() async throws {
        let fixture = try await Fixture.make()
        try await fixture.commit("x\n", to: "a.txt")
        let output = try await fixture.trace("stats")
        #expect(output.stdout == "no attribution data: none of the 1 commits in HEAD has a record\n")
    }
}
