import Foundation
import Git
import Ledger

/// The `AI-Assisted:` commit trailers (`sessiontrace.trailers`), so that a summary of
/// the commit's origin survives where notes do not travel (spec/capture.md §4.3).
package enum Trailers {
    package static let key = "AI-Assisted"

    /// One trailer per agent and model: `AI-Assisted: claude-code claude-sonnet-4-5 42/120 lines`.
    package static func lines(for attribution: CommitAttribution) -> [String] {
        attribution.aiLinesByModel.map { entry in
            let model = entry.model.split(separator: "/", maxSplits: 1).last.map(String.init) ?? entry.model
            return "\(key): \(entry.agent) \(model) \(entry.lines)/\(attribution.lineStats.added) lines"
        }
    }

    /// `message` with its `AI-Assisted:` trailers replaced by `trailers`, placed after
    /// the message text and before git's comment lines.
    package static func apply(_ trailers: [String], to message: String, commentPrefix: String = "#") -> String {
        var lines = message.components(separatedBy: "\n")
        lines.removeAll { $0.hasPrefix(key + ":") }
        var commentStart = lines.count
        while commentStart > 0, lines[commentStart - 1].hasPrefix(commentPrefix) || lines[commentStart - 1].isEmpty {
            commentStart -= 1
        }
        var body = Array(lines[..<commentStart])
        let rest = Array(lines[commentStart...])
        guard !trailers.isEmpty else { return (body + rest).joined(separator: "\n") }
        let lastParagraphIsTrailers =
            body.last.map { line in
                line.range(of: #"^[A-Za-z0-9-]+: "#, options: .regularExpression) != nil
            } ?? false
        if !body.isEmpty && !lastParagraphIsTrailers { body.append("") }
        body += trailers
        return (body + (rest.first == "" ? rest : [""] + rest)).joined(separator: "\n")
    }

    /// What `prepare-commit-msg` does: attribute the staged changes and rewrite the message file.
    package static func prepare(messageFile: String, repository: Repository) throws {
        let attribution = try CommitRecorder(repository: repository).stagedAttribution()
        let message = (try? String(contentsOfFile: messageFile, encoding: .utf8)) ?? ""
        let commentPrefix = (try? repository.config().string("core.commentChar")).flatMap { $0 } ?? "#"
        let updated = apply(
            lines(for: attribution), to: message, commentPrefix: commentPrefix == "auto" ? "#" : commentPrefix)
        if updated != message { try Data(updated.utf8).write(to: URL(fileURLWithPath: messageFile)) }
    }
}
