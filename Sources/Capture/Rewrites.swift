import Foundation
import Git
import Ledger
import Provenance
import Records

/// Attribution that follows lines from earlier commits' records into a rewritten
/// commit (spec/capture.md §6): amend, rebase, squash, cherry-pick, squash merges and
/// `git trace carry`.
package struct RewriteSources: Sendable {
    package struct Source: Sendable {
        package let commit: ObjectID
        package let digest: String
        package let attribution: Attribution
    }

    /// Oldest first: a later source's view of a line wins.
    package let sources: [Source]
    /// Every commit named as a source, with a record or not (their approvals may carry).
    package let commits: [ObjectID]
    /// Oldest first, each named commit with its record, nil for one nobody recorded.
    private let origins: [(commit: ObjectID, source: Source?)]

    package var references: [RecordReference] {
        sources.map { RecordReference(commit: $0.commit.hex, record: $0.digest) }
    }

    /// The newest attribution record on each of `commits` that names it (others skipped).
    package init(commits: [ObjectID], ledger: NotesLedger) {
        self.commits = commits
        var origins = [(commit: ObjectID, source: Source?)]()
        for commit in commits {
            var newest: Source?
            if case .lines(let lines, _)? = ledger.note(on: commit) {
                for line in lines {
                    guard let envelope = try? Envelope(line: line),
                        let statement = try? Statement(envelope: envelope),
                        statement.commit == commit.hex, let attribution = statement.attribution
                    else { continue }
                    let digest = Envelope.recordDigest(ofLine: line)
                    if newest == nil
                        || Attribution.governs(attribution, digest, over: newest!.attribution, newest!.digest)
                    {
                        newest = Source(commit: commit, digest: digest, attribution: attribution)
                    }
                }
            }
            origins.append((commit, newest))
        }
        self.origins = origins
        self.sources = origins.compactMap(\.source)
    }

    /// Provenance the sources give to lines of `content`, the new commit's `path`
    /// (1-based): each source's attributed lines followed through the diff from that
    /// source's version of the file (same path, or the path git sees renamed to this
    /// one): unchanged or moved lines keep the source's provenance, a line edited from
    /// one of its AI lines is `mixed` (spec/capture.md §6). Lines a named commit nobody
    /// recorded added are `unknown`: no record says who wrote them.
    func provenance(path: String, content: [UInt8], newTree: ObjectID, repository: Repository) throws -> [Int:
        LineOrigins.Inherited]
    {
        var result = [Int: LineOrigins.Inherited]()
        for (commit, source) in origins {
            var sourcePaths = Set([path])
            let attribution = source?.attribution
            // A version 2 record's `rest` covers every line its commit added that no
            // range lists, in any file: those lines come from the commit's diff, as do
            // the lines of a commit nobody recorded.
            let fromDiff = attribution == nil || attribution?.rest != nil
            // Only when the source has no file of this name is a rename looked for:
            // a whole-tree diff with rename detection is the costly part of a rewrite.
            let sourceHasPath =
                attribution?.files.contains(where: { $0.path == path }) == true
                || (fromDiff && (try? repository.content(ofPath: path, inCommit: commit))?.isBlob == true)
            if !sourceHasPath {
                let sourceTree = try repository.commit(commit).treeID
                for change in try repository.changes(from: sourceTree, to: newTree)
                where change.newPath == path && change.kind == .renamed {
                    if let old = change.oldPath { sourcePaths.insert(old) }
                }
            }
            let paths =
                fromDiff ? sourcePaths.sorted() : (attribution?.files ?? []).map(\.path).filter(sourcePaths.contains)
            for filePath in paths {
                guard case .blob(let sourceContent) = try repository.content(ofPath: filePath, inCommit: commit)
                else { continue }
                var claimed = [Int: Provenance]()
                if let attribution {
                    var ranges = attribution.files.first { $0.path == filePath }?.ranges ?? []
                    if attribution.rest != nil,
                        case .ranges(let added) = repository.addedLines(ofPath: filePath, inCommit: commit)
                    {
                        ranges = attribution.ranges(of: filePath, added: added)
                    }
                    for range in ranges {
                        let provenance = Provenance(range)
                        for line in range.startLine...range.endLine { claimed[line - 1] = provenance }
                    }
                } else if case .ranges(let added) = repository.addedLines(ofPath: filePath, inCommit: commit) {
                    // No record says who wrote what this commit added: nobody's.
                    for range in added {
                        for line in range { claimed[line - 1] = Provenance(kind: .unknown) }
                    }
                }
                for (index, inherited) in LineOrigins.inherited(
                    from: sourceContent, new: content, label: { claimed[$0] })
                {
                    // An edit of a line keeps a later source's unchanged view of it.
                    if inherited.edited, let earlier = result[index + 1], !earlier.edited { continue }
                    result[index + 1] = inherited
                }
            }
        }
        return result
    }
}

extension Provenance {
    /// What `git trace blame` says of a line: its record's origin, `unknown` without one.
    init(_ line: BlameLine) {
        switch line.origin {
        case .ai?:
            self.init(kind: .ai, agent: line.agent, model: line.model, session: line.session, prompt: line.prompt)
        case .mixed?:
            self.init(kind: .mixed, agent: line.agent, model: line.model, session: line.session, prompt: line.prompt)
        case .human?: self = .human
        case nil: self.init(kind: .unknown)
        }
    }

    /// The provenance a record's range states.
    init(_ range: AttributedRange) {
        let kind: Kind =
            switch range.contributor.type {
            case .ai: .ai
            case .mixed: .mixed
            case .human: .human
            }
        self.init(
            kind: kind, agent: range.contributor.agent, model: range.contributor.modelID,
            session: kind == .human ? nil : range.sessionID, prompt: kind == .human ? nil : range.promptDigest)
    }
}

/// What git's post-rewrite hook is told (githooks(5)): the command that rewrote, as its
/// first argument, and on stdin one `<old> SP <new> [SP <extra>]` line per commit.
package struct PostRewrite {
    package enum Command: String, Sendable {
        case amend, rebase
    }

    package let command: Command
    /// In git's order; a squash lists several old commits for one new one.
    package let pairs: [(old: ObjectID, new: ObjectID)]

    /// Lines that are not two full object ids are skipped; a command git does not
    /// document is taken as a rebase (its list maps old commits to new ones the same way).
    package init(argument: String?, input: String) {
        command = argument.flatMap(Command.init(rawValue:)) ?? .rebase
        pairs = input.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let old = ObjectID(hex: String(fields[0])),
                let new = ObjectID(hex: String(fields[1]))
            else { return nil }
            return (old, new)
        }
    }

    /// Whether another rewrite's list will cover these commits: an amend in the middle
    /// of a rebase (`git commit --amend` at an `edit` stop) is in the rebase's own list,
    /// which maps the original commit to the final one.
    package func isCoveredByARebase(rebaseInProgress: Bool) -> Bool {
        command == .amend && rebaseInProgress
    }
}
