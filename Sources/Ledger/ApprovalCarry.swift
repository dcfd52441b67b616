import Git
import Records

extension NotesLedger {
    /// The reviews and waivers on the notes of `sources` that approved exactly the change
    /// `commit` makes (spec/records.md §8.2) and are not on its note yet: what a rewrite
    /// that replayed a change unaltered (a rebase, a cherry-pick, an amend of the message
    /// only) carries to the new commit, line for line. Carrying signs nothing: the
    /// approver's signature is the evidence, and verification checks the change again.
    package func approvalsToCarry(to commit: ObjectID, from sources: [ObjectID]) throws -> [String] {
        var change: String?
        var existing = Set<Substring>()
        if case .lines(let lines, _)? = note(on: commit) { existing = Set(lines) }
        var carried = [String]()
        for source in sources where source != commit {
            guard case .lines(let lines, _)? = note(on: source) else { continue }
            for line in lines where !existing.contains(line) {
                guard let envelope = try? Envelope(line: line), let statement = try? Statement(envelope: envelope),
                    let approved = statement.approvedChange
                else { continue }
                if change == nil { change = try repository.changeID(of: commit) }
                guard approved == change else { continue }
                carried.append(String(line))
                existing.insert(line)
            }
        }
        return carried
    }
}
