import CanonicalJSON
import Foundation
import Ledger
import Records
import TestSupport
import Testing

/// Reviews and waivers survive a rewrite that replays the change they approved
/// unaltered — rebase, cherry-pick, a message-only amend, `git trace carry` — and no
/// other (spec/records.md §8.2): an approval is of a change, never of whatever a
/// rewrite turned it into.
@Suite struct ApprovalCarryTests {
    let rewrites = RewriteTests()
    let checks = PolicyCheckTests()
    let waivers = WaiverTests()

    static let policy = """
        sensitive_paths: [src/payments/]
        approvers: ["bob@example.com"]
        rules:
          sensitive_review: {reviews: 1, severity: error}

        """

    /// main: the policy; feature: two AI changes to src/payments/, the first reviewed
    /// by bob, the second's review waived by him; then main moves on.
    func approvedFeature() async throws -> (Fixture, reviewed: String, waived: String) {
        var (fixture, agent) = try await rewrites.started()
        try fixture.sandbox.write(Self.policy, to: ".sessiontrace/policy.yml", in: fixture.repository)
        _ = try await fixture.commitRecorded("policy")
        try await fixture.git("checkout", "-q", "-b", "feature")
        try await agent.claude("Write", "src/payments/pay.go", write: numberedLines(4, prefix: "pay"))
        let reviewed = try await fixture.commitRecorded("pay")
        try await agent.claude("Write", "src/payments/refund.go", write: numberedLines(3, prefix: "refund"))
        let waived = try await fixture.commitRecorded("refund")
        let bob = try await checks.addBob(fixture)
        try await checks.review(fixture, reviewed, key: bob, as: "bob@example.com")
        let waiver = try await waivers.waive(fixture, waived, rule: "sensitive_review", key: bob, as: "bob@example.com")
        try #require(waiver.status == 0, "\(waiver)")
        try await fixture.git("checkout", "-q", "main")
        try fixture.sandbox.write("elsewhere\n", to: "NEWS", in: fixture.repository)
        _ = try await fixture.commitRecorded("news")
        try await fixture.git("checkout", "-q", "feature")
        #expect(try await checks.check(fixture, "main..feature").status == 0)
        return (fixture, reviewed, waived)
    }

    /// The approvals on `commit`'s note: review and waiver lines, verbatim.
    func approvals(_ fixture: Fixture, _ commit: String) async throws -> [String] {
        let note = try await fixture.sandbox.run(
            "git", ["notes", "--ref", "sessiontrace", "show", commit], in: fixture.repository)
        return note.stdout.split(separator: "\n").map(String.init).filter { line in
            guard let statement = try? Statement(envelope: Envelope(line: line)) else { return false }
            return statement.approvedChange != nil
        }
    }

    func violations(_ fixture: Fixture, _ range: String) async throws -> (Int32, [String]) {
        let output = try await checks.check(fixture, range)
        return (output.status, try PolicyCheckTests.found(output).map { "\($0.commit.prefix(12)) \($0.rule)" })
    }

    @Test func aRebaseCarriesTheApprovalsOfEveryChangeItReplaysUnaltered() async throws {
        let (fixture, reviewed, waived) = try await approvedFeature()
        _ = try await rewrites.git(fixture, "rebase", "-q", "main")
        let newReviewed = try await rewrites.head(fixture, "HEAD~1")
        let newWaived = try await rewrites.head(fixture, "HEAD")
        #expect(newReviewed != reviewed && newWaived != waived)
        // The approver's own signed lines, unaltered: carrying signs nothing.
        #expect(try await approvals(fixture, newReviewed) == approvals(fixture, reviewed))
        #expect(try await approvals(fixture, newWaived) == approvals(fixture, waived))
        #expect(try await approvals(fixture, newReviewed).count == 1)
        let output = try await checks.check(fixture, "main..feature")
        #expect(output.status == 0, "\(output)")
        let json = try JSONValue(parsing: Array(output.stdout.utf8))
        #expect(json["waived"]?.integerValue == 1 && json["errors"]?.integerValue == 0, "\(output.stdout)")
        #expect(try await fixture.verify().status == 0)
        let shown = try await fixture.trace("show", newReviewed, "--trust", fixture.trustFile.path)
        #expect(shown.stdout.contains("carried    from commit \(reviewed): the same change, rewritten"), "\(shown)")
    }

    @Test func aChangeAlteredInTheRewriteNeedsANewApproval() async throws {
        let (fixture, _, waived) = try await approvedFeature()
        // Rebase, stopping at the waived commit to add a line to it.
        let todo = try fixture.sandbox.write(
            "#!/bin/sh\nsed -i '2s/^pick/edit/' \"$1\"\n", to: "todo.sh", in: fixture.sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: todo.path)
        _ = try await rewrites.git(fixture, "rebase", "-q", "-i", "main", editor: todo.path)
        try fixture.sandbox.write(
            numberedLines(3, prefix: "refund") + "a line nobody approved\n", to: "src/payments/refund.go",
            in: fixture.repository)
        _ = try await rewrites.git(fixture, "commit", "-q", "-a", "--amend", "--no-edit")
        _ = try await rewrites.git(fixture, "rebase", "--continue")
        let altered = try await rewrites.head(fixture)
        #expect(try await approvals(fixture, altered).isEmpty)
        let (status, found) = try await violations(fixture, "main..feature")
        #expect(status == 1)
        #expect(found == ["\(altered.prefix(12)) sensitive_review"], "\(found)")
        // Copying the old waiver onto it by hand does not make it count: the change
        // it approved is not this one's.
        let copied = try await approvals(fixture, waived)
        try await fixture.overwriteNote(altered, lines: try await fixture.noteLines(altered) + copied)
        let verified = try await fixture.verify()
        #expect(verified.status == 1, "\(verified)")
        #expect(
            verified.stdout.contains("subject-mismatch: record is about commit \(waived)")
                && verified.stdout.contains("is not this commit's"), "\(verified.stdout)")
        #expect(try await checks.check(fixture, "main..feature").status != 0)
    }

    @Test func aCherryPickAndAMessageOnlyAmendCarryTheirApprovals() async throws {
        let (fixture, reviewed, _) = try await approvedFeature()
        try await fixture.git("checkout", "-q", "-b", "release", "main")
        _ = try await rewrites.git(fixture, "cherry-pick", reviewed)
        let picked = try await rewrites.head(fixture)
        #expect(try await approvals(fixture, picked) == approvals(fixture, reviewed))
        #expect(try await checks.check(fixture, "main..release").status == 0)
        _ = try await rewrites.git(fixture, "commit", "-q", "--amend", "-m", "pay: better message")
        let reworded = try await rewrites.head(fixture)
        #expect(try await approvals(fixture, reworded) == approvals(fixture, reviewed))
        #expect(try await checks.check(fixture, "main..release").status == 0)
        // An amend that changes the content is a new change.
        try fixture.sandbox.write("changed\n", to: "src/payments/pay.go", in: fixture.repository)
        _ = try await rewrites.git(fixture, "commit", "-q", "-a", "--amend", "--no-edit")
        let amended = try await rewrites.head(fixture)
        #expect(try await approvals(fixture, amended).isEmpty)
        #expect(try await checks.check(fixture, "main..release").status == 1)
        #expect(try await fixture.verify().status == 0)
    }

    /// A rebase merge made where no hook ran (a server): `git trace carry` brings the
    /// approvals along with the attribution.
    @Test func carryBringsTheApprovalsOfARewriteMadeWithoutHooks() async throws {
        let (fixture, reviewed, waived) = try await approvedFeature()
        let bare = try await fixture.sandbox.run(
            "git", ["-c", "core.hooksPath=/dev/null", "rebase", "-q", "main"], in: fixture.repository)
        try #require(bare.status == 0, "\(bare)")
        let (newReviewed, newWaived) = (
            try await rewrites.head(fixture, "HEAD~1"), try await rewrites.head(fixture, "HEAD")
        )
        #expect(try await approvals(fixture, newWaived).isEmpty)
        for (new, old) in [(newReviewed, reviewed), (newWaived, waived)] {
            let carried = try await fixture.trace("carry", new, "--from", old)
            #expect(carried.status == 0, "\(carried)")
            #expect(carried.stdout.contains("derived from 1 record(s)"), "\(carried)")
            #expect(carried.stdout.contains("carried 1 review(s) and waiver(s) of the same change"), "\(carried)")
        }
        #expect(try await checks.check(fixture, "main..feature").status == 0)
        #expect(try await fixture.verify().status == 0)
        // Carrying again adds nothing.
        let again = try await fixture.trace("carry", newWaived, "--from", waived)
        #expect(!again.stdout.contains("carried"), "\(again)")
        #expect(try await approvals(fixture, newWaived).count == 1)
    }
}
