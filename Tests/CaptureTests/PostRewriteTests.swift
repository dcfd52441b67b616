import Capture
import Git
import Testing

/// What the post-rewrite hook makes of git's arguments and list (githooks(5)).
@Suite struct PostRewriteTests {
    let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40),
        c = String(repeating: "c", count: 40)

    @Test func pairsAreReadInGitsOrderWithExtraFieldsAndOddLinesSkipped() {
        let input = "\(a) \(b)\n\n\(c) \(b) extra-info\r\nnot ids\n\(a)\n\(a.dropLast()) \(b)\n\(a) \(c)"
        let rewrite = PostRewrite(argument: "rebase", input: input)
        #expect(rewrite.command == .rebase)
        #expect(rewrite.pairs.map { "\($0.old.hex) \($0.new.hex)" } == ["\(a) \(b)", "\(c) \(b)", "\(a) \(c)"])
        #expect(PostRewrite(argument: "rebase", input: "").pairs.isEmpty)
    }

    @Test func theCommandDecidesWhatARebaseCovers() {
        let amend = PostRewrite(argument: "amend", input: "\(a) \(b)\n")
        #expect(amend.command == .amend)
        #expect(amend.isCoveredByARebase(rebaseInProgress: true))
        #expect(!amend.isCoveredByARebase(rebaseInProgress: false))
        let rebase = PostRewrite(argument: "rebase", input: "\(a) \(b)\n")
        #expect(!rebase.isCoveredByARebase(rebaseInProgress: true))
        // No argument, or one git does not document: read as a rebase's list.
        #expect(PostRewrite(argument: nil, input: "").command == .rebase)
        #expect(PostRewrite(argument: "Amend", input: "").command == .rebase)
    }
}
