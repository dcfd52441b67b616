import Foundation
import Git

/// One line of `git trace blame`: git blame's answer joined with the record of the
/// commit that introduced the line (spec/reports.md §1).
public struct BlameLine: Sendable {
    public let finalLine: Int
    public let commit: ObjectID
    /// The line's number in the commit that introduced it, and that file's path there.
    public let originalLine: Int
    public let originalPath: String
    public let author: String
    /// `ai`, `mixed`, `human`, or `unknown` when no record of that commit covers the line.
    public let origin: String
    public let agent: String?
    public let model: String?
    public let session: String?
    public let prompt: String?
    public let content: String
}

public struct BlameError: Error, CustomStringConvertible {
    public let description: String
}

public enum Blame {
    /// Runs `git blame --porcelain` (git's blame is far faster than libgit2's) and
    /// attributes each line from the records; `lines` limits it to a range (`-L`).
    public static func lines(path: String, revision: String?, repository: Repository, lines range: ClosedRange<Int>? = nil,
                             index: RecordIndex? = nil) throws -> [BlameLine] {
        let git = GitCommand(directory: repository.workingDirectory ?? repository.gitDirectory)
        var arguments = ["blame", "--porcelain"]
        if let range { arguments += ["-L", "\(range.lowerBound),\(range.upperBound)"] }
        if let revision { arguments.append(revision) }
        arguments += ["--", path]
        let result = try git.run(arguments)
        guard result.status == 0 else { throw BlameError(description: "git blame: \(result.reason)") }
        let index = index ?? RecordIndex(repository: repository)
        var filenames = [String: String]()
        var authors = [String: String]()
        var lines = [BlameLine]()
        var header: (commit: String, original: Int, final: Int)?
        var filename: String?
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t"), let current = header {
                let commitName = current.commit
                let path = filename ?? filenames[commitName] ?? path
                filenames[commitName] = path
                guard let commit = ObjectID(hex: commitName) else { continue }
                var origin = "unknown", agent: String?, model: String?, session: String?, prompt: String?
                // Uncommitted lines (all-zero id) have no record.
                if let attribution = index.attribution(of: commit) {
                    if let range = attribution.files.first(where: { $0.path == path })?.ranges
                        .first(where: { $0.startLine <= current.original && current.original <= $0.endLine }) {
                        origin = range.contributor.type.rawValue
                        agent = range.contributor.agent
                        model = range.contributor.modelID
                        session = range.sessionID
                        prompt = range.promptSHA256
                    }
                }
                lines.append(BlameLine(
                    finalLine: current.final, commit: commit, originalLine: current.original, originalPath: path,
                    author: authors[commitName] ?? "", origin: origin, agent: agent, model: model, session: session, prompt: prompt,
                    content: String(line.dropFirst())))
                header = nil
                filename = nil
                continue
            }
            let fields = line.split(separator: " ")
            if header == nil, fields.count >= 3, fields[0].count == 40, let original = Int(fields[1]), let final = Int(fields[2]) {
                header = (String(fields[0]), original, final)
            } else if line.hasPrefix("filename ") {
                filename = String(line.dropFirst(9))
            } else if line.hasPrefix("author "), let commit = header?.commit {
                authors[commit] = String(line.dropFirst(7))
            }
        }
        return lines
    }
}
