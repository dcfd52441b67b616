import ArgumentParser
import Capture
import Foundation
import Git
import Hex
import Ledger
import Records

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a record of who wrote which lines of a commit and add it to the commit's note.",
        discussion: """
            For scripts and tests; agents' hooks record automatically. Give --file with
            its --lines once per file. --origin, --agent, --model, --session,
            --prompt-sha256 and --confidence given once apply to every file; given as
            many times as --file, they pair with the files in order.

              git trace record HEAD --file src/a.swift --lines 3-20,40-41 --origin ai \\
                  --agent claude-code --model claude-sonnet-4-5 --session 7f3c
              git trace record HEAD --file a.txt --lines 1-5 --file b.txt --lines 2 \\
                  --origin ai --origin human --agent cursor --model gpt-5

            Lines are 1-based and inclusive, in the commit's version of the file.
            Models without a provider are qualified (claude-* → anthropic/claude-*).
            """
    )

    @Argument(help: ArgumentHelp("The commit to record (a revision).", valueName: "rev"))
    var revision: String

    @Option(
        name: .customLong("file"),
        help: ArgumentHelp("A path in the commit, relative to the current directory.", valueName: "path"))
    var files: [String] = []

    @Option(
        name: .customLong("lines"), help: ArgumentHelp("Line ranges of that file: 3-20,40-41.", valueName: "ranges"))
    var lines: [String] = []

    @Option(
        name: .customLong("origin"),
        help: ArgumentHelp("ai, human or mixed (AI-written, then edited by a person).", valueName: "origin"))
    var origins: [Origin] = [.ai]

    @Option(
        name: .customLong("agent"),
        help: ArgumentHelp("The coding agent: claude-code, cursor, codex, gemini, copilot, …", valueName: "name"))
    var agents: [String] = []

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp("The model, as provider/model or a bare model name.", valueName: "name"))
    var models: [String] = []

    @Option(
        name: .customLong("session"), help: ArgumentHelp("The agent's session or conversation id.", valueName: "id"))
    var sessions: [String] = []

    @Option(
        name: .customLong("prompt-sha256"),
        help: ArgumentHelp("SHA-256 of the prompt, 64 hex digits.", valueName: "hex"))
    var promptDigests: [String] = []

    @Option(
        name: .customLong("confidence"), help: ArgumentHelp("Confidence in basis points, 0-10000.", valueName: "bp"))
    var confidences: [Int] = []

    @OptionGroup var signingKey: SigningKeyOption

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one --file with its --lines") }
        guard lines.count == files.count else {
            throw ValidationError("\(files.count) --file but \(lines.count) --lines: give --lines once per --file")
        }
        for spec in lines where LineRangeList.parse(spec) == nil {
            throw ValidationError("--lines '\(spec)' is not a list of line ranges such as 3-20,40-41 (1-based)")
        }
        try checkPairing("--origin", origins.count)
        try checkPairing("--agent", agents.count)
        try checkPairing("--model", models.count)
        try checkPairing("--session", sessions.count)
        try checkPairing("--prompt-sha256", promptDigests.count)
        try checkPairing("--confidence", confidences.count)
        for digest in promptDigests where digest.count != 64 || [UInt8](hex: digest) == nil {
            throw ValidationError("--prompt-sha256 '\(digest)' is not 64 hex digits")
        }
        for confidence in confidences where !(0...10_000).contains(confidence) {
            throw ValidationError("--confidence \(confidence) is outside 0-10000 basis points")
        }
        for agent in agents where agent.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--agent '\(agent)' is empty: name the coding agent (claude-code, cursor, …)")
        }
        for model in models where ModelID.qualified(model) == nil {
            throw ValidationError(
                "--model '\(model)' is not a model: give provider/model (anthropic/claude-sonnet-4-5) or a bare model name"
            )
        }
        for session in sessions where session.isEmpty {
            throw ValidationError("--session is empty: give the agent's session id, or leave the option out")
        }
        for index in files.indices where pick(origins, index) != .human {
            guard pick(agents, index) != nil, pick(models, index) != nil else {
                throw ValidationError("--origin \(pick(origins, index)!.rawValue) needs --agent and --model")
            }
        }
    }

    private func checkPairing(_ option: String, _ count: Int) throws {
        guard count <= 1 || count == files.count else {
            throw ValidationError(
                "\(option) is given \(count) times for \(files.count) files: give it once, or once per --file")
        }
    }

    /// The value for file `index`: the only one, the index-th, or nil.
    private func pick<T>(_ values: [T], _ index: Int) -> T? {
        values.count == 1 ? values[0] : values.indices.contains(index) ? values[index] : nil
    }

    func run() throws {
        let repository = try openRepository()
        let commit = try resolveCommit(revision, in: repository)
        let identity = try signingIdentity(explicitPath: signingKey.key, repository: repository)
        let currentDirectory = FileManager.default.currentDirectoryPath
        let requests = try files.indices.map { index -> ClaimRequest in
            guard let path = repository.repositoryPath(forUserPath: files[index], currentDirectory: currentDirectory)
            else {
                throw CommandFailure("\(files[index]) is outside the repository")
            }
            return ClaimRequest(
                path: path, lines: LineRangeList.parse(lines[index])!, origin: pick(origins, index)!,
                agent: pick(agents, index), model: pick(models, index), session: pick(sessions, index),
                promptSHA256: pick(promptDigests, index), confidenceBasisPoints: pick(confidences, index))
        }
        recordPendingCommits(repository, identity)
        let (digest, counts) = try RecordBuilder(repository: repository).record(
            requests, on: commit, signer: identity, at: Int64(Date().timeIntervalSince1970))
        print(
            "recorded \(digest) on \(commit.shortHex): ai \(counts[.ai] ?? 0), mixed \(counts[.mixed] ?? 0), human \(counts[.human] ?? 0) lines"
        )
    }
}

extension Origin: ExpressibleByArgument {}
