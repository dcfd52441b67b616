import CanonicalJSON
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
