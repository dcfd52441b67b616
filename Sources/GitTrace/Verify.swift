import ArgumentParser
import CanonicalJSON
import Estimation
import Verification

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify every SessionTrace record against the keys you trust.",
        discussion: """
            Checks each record on the commits in <range> (default: every note): the
            signature is by a key in the trust file, valid for the signer's email at the
            record's time (valid-after/valid-before), the record names the commit it is
            attached to, its bytes are canonical and its schema holds (spec/records.md §7).
            With --content, each line range is also checked against the commit's file: it
            lies inside the file and matches its content hash. That reads every file a
            record names, as `git log -p` does, so it takes several times longer.

            The trust file is OpenSSH's allowed_signers format. Without --trust, the
            repository's own .sessiontrace/allowed_signers at HEAD is used, with a warning:
            anyone who can push can edit it.

              git trace verify --trust ~/audit/allowed_signers
              git trace verify main~50..main --json

            Exit status: 0 when every record holds, 1 with one line per problem,
            2 when verification could not run.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Commits to check, as 'A..B' or a revision and its ancestors (default: all notes).", valueName: "range"))
    var range: String?

    @OptionGroup var trustOptions: TrustOptions

    @Option(
        name: .customLong("since-checkpoint"),
        help: ArgumentHelp("Also prove that every record this checkpoint covered is still there.", valueName: "file"))
    var checkpoint: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Option(help: ArgumentHelp("text (default), json or sarif.", valueName: "format"))
    var format: Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Remember verified notes (in .git/sessiontrace/verify-cache) and skip them next time.",
            discussion: "Keyed by each note's blobs and by the trust file, revoked keys and tool version in use."))
    var cache = false

    @Flag(help: "Also check every attributed line range against the file in its commit.")
    var content = false

    // Unconditional: `--jobs -3` is a wrong number, not a missing one followed by a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Threads to verify on (default: all cores).", valueName: "n"))
    var jobs: Int?

    @OptionGroup var progressOptions: ProgressOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs \(jobs): give a number of threads of 1 or more") }
    }

    func run() throws {
        let repository = try openRepository()
        guard let trust = try trustOptions.load(repository: repository) else {
            throw CommandFailure(
                "no trust file: pass --trust FILE (an allowed_signers file) or commit \(TrustFile.repositoryPath)")
        }
        var request = Audit.Request(range: range, checkpointFile: checkpoint)
        request.usesCache = cache
        request.checksContent = content
        if content { request.remaker = ClassifierRemaker() }
        if let jobs { request.workers = jobs }
        request.progress = progressOptions.make("Verifying records")
        let audit = try Audit.run(request, trust: trust, repository: repository) { printError("warning: \($0)") }
        switch json ? .json : format {
        case .sarif: print(audit.sarif.canonicalString)
        case .json: print(audit.json.canonicalString)
        case .text: for line in audit.textLines { print(line) }
        }
        if !audit.succeeded { throw ExitCode(1) }
    }
}
