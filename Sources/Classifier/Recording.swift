import CanonicalJSON
import Git
import Records

extension CommitEstimate {
    /// What an estimate record states of this commit (spec/records.md §8.3), or nil when
    /// there is nothing to state: the commit has an attribution record (captured data is
    /// never estimated), or nothing in it carried a signal.
    package func record(
        model: ClassifierModel, contentOnly: Bool, tool: ToolInfo, signer: SignerInfo, at time: String
    ) -> Estimate? {
        guard !captured, let probabilityBP else { return nil }
        let scored = blocks.filter { $0.probabilityBP != nil }.sorted {
            $0.path != $1.path ? JSONValue.codePointOrder($0.path, $1.path) : $0.startLine < $1.startLine
        }
        return Estimate(
            tool: tool, signer: signer, estimatedAt: time, model: model.id, modelSHA256: model.sha256,
            contentOnly: contentOnly,
            evidence: signals.map(\.name).filter { Estimate.evidenceNames.contains($0) }.sorted(),
            probabilityBP: probabilityBP,
            blocks: scored.map {
                Estimate.Block(path: $0.path, lines: $0.startLine...$0.endLine, probabilityBP: $0.probabilityBP!)
            },
            unscoredLines: linesAdded - linesScored)
    }
}

extension Estimate {
    /// The estimate made again from `commit` by `model`, in the estimate's mode, with
    /// its tool, signer and time (spec/records.md §8.3); nil when the estimate names
    /// another model, which cannot be made again here.
    package func madeAgain(of commit: String, git: GitCommand, model: ClassifierModel = .embedded) throws
        -> Estimate?
    {
        guard modelSHA256 == model.sha256 else { return nil }
        var classifier = CommitClassifier(model: model, contentOnly: contentOnly)
        var made: Estimate?
        try HistoryReader(git: git).forEach(revisions: ["-1", commit], paths: []) { read in
            made =
                classifier.estimate(
                    commit: read.id, authorName: read.authorName, authorTime: read.authorTime, message: read.message,
                    blocks: read.blocks
                ).record(model: model, contentOnly: contentOnly, tool: tool, signer: signer, at: estimatedAt)
                ?? Estimate(
                    tool: tool, signer: signer, estimatedAt: estimatedAt, model: model.id, modelSHA256: model.sha256,
                    contentOnly: contentOnly, evidence: [], probabilityBP: nil, blocks: [], unscoredLines: 0)
        }
        return made
    }
}
