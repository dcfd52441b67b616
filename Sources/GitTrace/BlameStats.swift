import ArgumentParser
import Foundation
import Git
import Ledger
import Reports

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "git blame, with each line's origin: ai, mixed, human or unknown, and the agent and model.",
        discussion: """
            Built on git blame --porcelain: each line is traced to the commit that
            introduced it, and that commit's record says who wrote it. unknown means no
            record covers the line. Records are used when their signature holds for the
            key they name; 'git trace verify' decides which keys to trust.

              git trace blame src/app.swift
              git trace blame src/app.swift v1.2 --json
            """
    )

    @Argument(help: ArgumentHelp("The file.", valueName: "path"))
    var path: String

    @Argument(help: ArgumentHelp("The revision to blame (default: the working tree's HEAD).", valueName: "rev"))
    var revision: String?

    @Flag(help: "One line per source line, tab-separated: commit, line in that commit, origin, agent, model, content.")
    var porcelain = false

    @Flag(help: "Print the lines as JSON.")
    var json = false

    func run() throws {
        let repository = try openRepository()
        let lines = try Blame.lines(path: path, revision: revision, repository: repository)
        if json {
            print(JSONValue.array(lines.map { line in
                var members: [String: JSONValue] = [
                    "line": .integer(Int64(line.finalLine)), "commit": .string(line.commit.hex),
                    "original_line": .integer(Int64(line.originalLine)), "original_path": .string(line.originalPath),
                    "author": .string(line.author), "origin": .string(line.origin), "content": .string(line.content),
                ]
                if let agent = line.agent { members["agent"] = .string(agent) }
                if let model = line.model { members["model_id"] = .string(model) }
                return .object(members)
            }).canonicalString)
            return
        }
        let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for line in lines {
            if porcelain {
                print([line.commit.hex, String(line.originalLine), line.origin, line.agent ?? "-", line.model ?? "-", line.content].joined(separator: "\t"))
                continue
            }
            let model = line.model.map { String($0.split(separator: "/").last ?? "") } ?? ""
            let who = line.origin.padding(toLength: 7, withPad: " ", startingAt: 0) + " " + model
                + String(repeating: " ", count: max(0, 26 - model.count))
            let text = "\(line.commit.hex.prefix(8)) \(who) \(String(line.finalLine).leftPadded(to: 5))) \(line.content)"
            print(colour ? Self.paint(text, origin: line.origin) : text)
        }
    }

    /// ANSI colour per origin on a terminal: ai red, mixed yellow, unknown dim.
    static func paint(_ text: String, origin: String) -> String {
        switch origin {
        case "ai": return "\u{1B}[31m\(text)\u{1B}[0m"
        case "mixed": return "\u{1B}[33m\(text)\u{1B}[0m"
        case "unknown": return "\u{1B}[2m\(text)\u{1B}[0m"
        default: return text
        }
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "AI share of the lines added in a range of commits, by origin and by agent and model.",
        discussion: """
            Lines added by commits without a record are unknown, never human.

              git trace stats                 # the history of HEAD
              git trace stats main~100..main --json
            """
    )

    @Argument(help: ArgumentHelp("Commits: 'A..B' or a revision and its ancestors (default: HEAD).", valueName: "range"))
    var range = "HEAD"

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func run() throws {
        let repository = try openRepository()
        if repository.hasNoCommits { throw CommandFailure("repository has no commits yet") }
        let stats = try Stats.compute(commits: try repository.commits(inRange: range), repository: repository)
        if json {
            print(JSONValue.object([
                "commits": .integer(Int64(stats.commits)), "commits_with_records": .integer(Int64(stats.commitsWithRecords)),
                "lines_added": .integer(Int64(stats.added)), "ai": .integer(Int64(stats.ai)), "mixed": .integer(Int64(stats.mixed)),
                "human": .integer(Int64(stats.human)), "unknown": .integer(Int64(stats.unknown)),
                "by_model": .array(stats.byModel.map {
                    .object(["agent": .string($0.agent), "model_id": .string($0.model), "ai": .integer(Int64($0.ai)), "mixed": .integer(Int64($0.mixed))])
                }),
            ]).canonicalString)
            return
        }
        if stats.commitsWithRecords == 0 {
            print("no attribution data: none of the \(stats.commits) commits in \(range) has a record")
            return
        }
        func share(_ lines: Int) -> String {
            let points = stats.basisPoints(lines)
            return "\(String(lines).leftPadded(to: 8))  \(String(points / 100).leftPadded(to: 3)).\(String(format: "%02d", points % 100))%"
        }
        print("commits       \(stats.commits) (\(stats.commitsWithRecords) with records, \(stats.commits - stats.commitsWithRecords) without)")
        print("lines added   \(stats.added)")
        print("  ai        \(share(stats.ai))")
        print("  mixed     \(share(stats.mixed))   AI-written, then edited by a person")
        print("  human     \(share(stats.human))")
        print("  unknown   \(share(stats.unknown))   no record")
        if !stats.byModel.isEmpty { print("by agent and model") }
        for model in stats.byModel {
            print("  \(model.agent.padding(toLength: 12, withPad: " ", startingAt: 0)) \(model.model.padding(toLength: 36, withPad: " ", startingAt: 0)) ai \(String(model.ai).leftPadded(to: 6))  mixed \(String(model.mixed).leftPadded(to: 6))")
        }
    }
}
