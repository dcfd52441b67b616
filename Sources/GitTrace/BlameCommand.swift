import ArgumentParser
import CanonicalJSON
import Foundation
import Provenance
import Records

struct BlameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "git blame, with each line's origin: ai, mixed, human or unknown, and the agent and model.",
        discussion: """
            Built on git blame --porcelain: each line is traced to the commit that
            introduced it, and that commit's record says who wrote it. unknown means no
            record covers the line. Only records that verify against the trust file are
            used (--trust, else the repository's .sessiontrace/allowed_signers); without
            one, records are shown unverified, with a warning.

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

    @OptionGroup var trustOptions: TrustOptions

    func run() throws {
        let repository = try openRepository()
        let trust = try trustOptions.forDisplay(repository: repository)
        let lines = try Blame.lines(path: path, revision: revision, repository: repository, trust: trust)
        defer { if trust == nil { printError(TrustOptions.unverifiedWarning) } }
        if json {
            print(
                JSONValue.array(
                    lines.map { line in
                        var members: JSONObject = [
                            "line": .integer(Int64(line.finalLine)), "commit": .string(line.commit.hex),
                            "original_line": .integer(Int64(line.originalLine)),
                            "original_path": .string(line.originalPath),
                            "author": .string(line.author), "origin": .string(line.originName),
                            "content": .string(line.content),
                        ]
                        if let agent = line.agent { members["agent"] = .string(agent) }
                        if let model = line.model { members["model_id"] = .string(model) }
                        if let session = line.session { members["session_id"] = .string(session) }
                        // Whether the record that says so verified under a trust file
                        // (without one, nothing was checked against trust).
                        if line.origin != nil { members["verified"] = .bool(trust != nil) }
                        return .object(members)
                    }
                ).canonicalString)
            return
        }
        let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for line in lines {
            if porcelain {
                print(
                    [
                        line.commit.hex, String(line.originalLine), line.originName, line.agent ?? "-",
                        line.model ?? "-", line.content,
                    ].joined(separator: "\t"))
                continue
            }
            let model = line.model.map { String($0.split(separator: "/").last ?? "") } ?? ""
            let who =
                line.originName.padding(toLength: 7, withPad: " ", startingAt: 0) + " " + model
                + String(repeating: " ", count: max(0, 26 - model.count))
            let text =
                "\(line.commit.hex.prefix(8)) \(who) \(String(line.finalLine).leftPadded(to: 5))) \(line.content)"
            print(colour ? Self.paint(text, origin: line.origin) : text)
        }
    }

    /// ANSI colour per origin on a terminal: ai red, mixed yellow, unknown dim.
    static func paint(_ text: String, origin: Origin?) -> String {
        switch origin {
        case .ai?: return "\u{1B}[31m\(text)\u{1B}[0m"
        case .mixed?: return "\u{1B}[33m\(text)\u{1B}[0m"
        case nil: return "\u{1B}[2m\(text)\u{1B}[0m"
        case .human?: return text
        }
    }
}
