import ArgumentParser
import Capture
import Diagnostics
import Foundation
import Git
import Keys
import Ledger
import Policy
import Provenance
import Records
import Reports
import Setup
import Signing
import Sync
import Verification

@main
struct GitTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-trace",
        abstract: "Signed, line-level records of AI-assisted changes, kept in git notes.",
        discussion: """
            SessionTrace records which lines of each commit were written by an AI agent
            (which agent, model and session) and which by a person, as Ed25519-signed
            in-toto statements in DSSE envelopes, one per line of a note in
            refs/notes/sessiontrace. The records travel with ordinary git push and fetch.

            Quick start:
              git trace keygen            # once per person: a signing key
              git trace init              # once per repository
              git trace record HEAD --file src/app.swift --lines 1-40 --origin ai \\
                  --agent claude-code --model claude-sonnet-4-5
              git trace show HEAD
              git trace verify --trust allowed_signers

            Exit status: 0 on success, 1 when verification found problems,
            2 when a command could not run.
            """,
        version: RecordBuilder.toolVersion,
        subcommands: [
            Keygen.self, Init.self, Record.self, ReviewCommand.self, WaiveCommand.self, Show.self, LogCommand.self,
            BlameCommand.self,
            StatsCommand.self, ReportCommand.self, ClassifyCommand.self, CheckCommand.self, Verify.self,
            CheckpointCommand.self,
            SyncCommand.self, Carry.self,
            CaptureCommand.self, HooksCommand.self, StatusCommand.self, Uninstall.self, HookCommand.self,
        ]
    )

    /// Runs the command with git-style failure output: one `fatal:` line and exit 2
    /// for anything that stopped the command, never a Swift crash trace.
    static func main() {
        do {
            // Editors and agents ask for the version to find the tool: answered before
            // ArgumentParser builds its command tree (by reflection, most of the cost).
            if CommandLine.arguments.dropFirst() == ["--version"] {
                print(RecordBuilder.toolVersion)
                return
            }
            if let (agent, event) = CaptureCommand.fastArguments(Array(CommandLine.arguments.dropFirst())) {
                try CaptureCommand.capture(agent: agent, event: event)
                return
            }
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as any UserFacingError {
            printError("fatal: \(error.description)")
            Foundation.exit(error.exitStatus)
        } catch {
            // Argument errors, --help and --version: ArgumentParser's own text.
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = Self.oneLine(self.message(for: error)) ?? "\(error)"
            guard code == .validationFailure else {
                // Not an argument: an error from outside the package (Foundation's).
                printError("fatal: \(message)")
                Foundation.exit(2)
            }
            // A wrong argument: one line naming it, as for every other failure (the
            // usage is one `--help` away, not repeated under each mistake).
            let names = Set(configuration.subcommands.map { $0._commandName })
            let command =
                CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }.flatMap {
                    names.contains($0) ? $0 + " " : nil
                } ?? ""
            printError("fatal: \(message) (see 'git trace \(command)--help')")
            Foundation.exit(2)
        }
    }
}

extension GitTrace {
    /// ArgumentParser's message on one line: a list it puts under a line ending in ':'
    /// (the values an option takes) joins that line, comma-separated.
    static func oneLine(_ message: String) -> String? {
        let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return nil }
        let items = lines.dropFirst().prefix { $0.hasPrefix("- ") }.map {
            $0.dropFirst(2).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return first.hasSuffix(":") && !items.isEmpty ? first + " " + items.joined(separator: ", ") : first
    }
}

/// A command could not do what was asked; the message says why and, where there is
/// one, the fix.
struct CommandFailure: UserFacingError {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Opens the repository around the current directory, as git does.
func openRepository() throws -> Repository {
    do {
        return try Repository.openFromEnvironment()
    } catch let error as GitError where error.kind == .notARepository {
        throw CommandFailure(
            error.message.replacingOccurrences(of: "any parent up to /", with: "any of the parent directories"))
    }
}

/// The signing identity for a command that signs, saying first when the key file is
/// readable by others (a key others can write is refused).
func signingIdentity(explicitPath: String?, repository: Repository) throws -> SigningIdentity {
    let identity = try SigningIdentity.load(explicitPath: explicitPath, config: try repository.config())
    if let warning = identity.warning { printError(warning) }
    return identity
}

/// Lets the automatic record of a commit just made come first (see
/// `CommitRecorder.recordPendingCommits`); a failure there is said and does not stop
/// the command's own record.
func recordPendingCommits(_ repository: Repository, _ identity: SigningIdentity) {
    guard !repository.isBare, !repository.hasNoCommits else { return }
    do {
        let outcome = try CommitRecorder(repository: repository).recordPendingCommits(
            postCommitHookInstalled: GitHookInstaller(repository: repository, binaryPath: "").installedHooks()[
                "post-commit"] == true,
            signer: { identity })
        for failure in outcome.failures {
            printError("warning: commit \(failure.commit.shortHex) not recorded: \(failure.reason)")
        }
    } catch {
        printError("warning: the automatic records of new commits were not made: \(describe(error))")
    }
}

/// Resolves a revision to a commit, with git's wording for the usual failures.
func resolveCommit(_ revision: String, in repository: Repository) throws -> ObjectID {
    if repository.hasNoCommits, revision == "HEAD" {
        throw CommandFailure("repository has no commits yet: make a commit first")
    }
    return try repository.resolveCommit(revision)
}

/// Writes a command's result to `path` (atomically) and says so on stderr, or prints
/// it when there is no path.
func emit(_ text: String, to path: String?, describing what: String) throws {
    guard let path else {
        print(text, terminator: "")
        return
    }
    try AtomicFile.replace(path, with: Array(text.utf8), mode: 0o644)
    printError("\(what) written to \(path)")
}

/// An error as one line for a warning: what a user-facing error says, else Swift's text.
func describe(_ error: Error) -> String {
    (error as? any UserFacingError)?.description ?? "\(error)"
}

/// The absolute path of the running git-trace, which the git hooks call.
func currentBinaryPath() -> String {
    if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
    let argument = CommandLine.arguments[0]
    return argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
}
