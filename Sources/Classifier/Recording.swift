import Git
import Records

extension CommitEstimate {
    /// What an estimate record states of this commit (spec/records.md §8.3), or nil when
    /// there is nothing to state: the commit has an attribution record (captured data is
    /// never estimated), or nothing in it carried a signal.
    ///
    /// Blocks come from git's diff, whose hunks can hold lines that the line diff records
    /// are checked with (spec/records.md §7, `range-not-added`) finds unchanged: each
    /// block is cut to the lines `repository`'s line diff says the commit added, keeping
    /// its probability, so that every estimate verifies.
    package func record(
        model: ClassifierModel, contentOnly: Bool, tool: ToolInfo, signer: SignerInfo, at time: String,
        repository: Repository
    ) -> Estimate? {
        guard !captured, let probabilityBP, let commitID = ObjectID(hex: commit) else { return nil }
        let scored = blocks.compactMap { block in
            block.probabilityBP.map {
                Estimate.Block(path: block.path, lines: block.startLine...block.endLine, probabilityBP: $0)
            }
        }.sorted(by: Estimate.Block.precedes)
        let pieces = Estimate.cut(scored) { repository.addedLines(ofPath: $0, inCommit: commitID).clip }
        return Estimate(
            tool: tool, signer: signer, estimatedAt: time, model: model.id, modelSHA256: model.sha256,
            contentOnly: contentOnly,
            evidence: signals.map(\.name).filter { Estimate.evidenceNames.contains($0) }.sorted(),
            probabilityBP: probabilityBP, blocks: pieces, unscoredLines: linesAdded - linesScored)
    }
}

extension Estimate {
    /// The estimate made again from `commit` by `model`, in the estimate's mode, with
    /// its tool, signer and time (spec/records.md §8.3); nil when the estimate names
    /// another model, which cannot be made again here.
    package func madeAgain(of commit: String, in repository: Repository, model: ClassifierModel = .embedded) throws
        -> Estimate?
    {
        guard modelSHA256 == model.sha256 else { return nil }
        var read: HistoryReader.Commit?
        try HistoryReader(repository: repository, readingContexts: model.readsFileContext).forEach(
            revisions: ["-1", commit], paths: []
        ) { read = $0 }
        guard let read else { return nil }
        return try madeAgain(from: read, in: repository, model: model)
    }

    /// The same from the commit as HistoryReader read it (alone, or with others).
    package func madeAgain(from read: HistoryReader.Commit, in repository: Repository, model: ClassifierModel)
        throws -> Estimate?
    {
        guard modelSHA256 == model.sha256 else { return nil }
        guard !read.parentsMissing else {
            throw ClassifyError(description: "its parents are not in this shallow clone")
        }
        var classifier = CommitClassifier(model: model, contentOnly: contentOnly)
        return classifier.estimate(
            commit: read.id, authorName: read.authorName, authorEmail: read.authorEmail,
            authorTime: read.authorTime, message: read.message, blocks: read.blocks
        ).record(
            model: model, contentOnly: contentOnly, tool: tool, signer: signer, at: estimatedAt,
            repository: repository)
            ?? Estimate(
                tool: tool, signer: signer, estimatedAt: estimatedAt, model: model.id, modelSHA256: model.sha256,
                contentOnly: contentOnly, evidence: [], probabilityBP: nil, blocks: [], unscoredLines: 0)
    }
}
