import ArgumentParser
import Git
import Ledger
import Signing
import Verification

/// `--trust` and `--revoked`, shared by every command that uses records: the keys the
/// user chooses to trust (spec/records.md §6).
struct TrustOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The allowed_signers file to trust (default: the repository's .sessiontrace/allowed_signers, with a warning).", valueName: "file"))
    var trust: String?

    @Option(help: ArgumentHelp("A file of revoked keys (ssh-ed25519 lines or SHA256: fingerprints).", valueName: "file"))
    var revoked: String?

    struct Loaded {
        let signers: AllowedSigners
        let source: TrustSource
        let revoked: Set<String>

        var fromRepository: Bool { source != .file(signers.source) }
        var recordTrust: RecordTrust { RecordTrust(signers: signers, revoked: revoked) }
    }

    /// The trust file given, else the repository's own at HEAD (said on stderr when
    /// `announce`); nil when there is neither.
    func load(repository: Repository, announce: Bool = true) throws -> Loaded? {
        guard let (signers, source) = try TrustFile.load(explicitPath: trust, repository: repository) else {
            if revoked != nil { _ = try RevokedKeys.load(explicitPath: revoked, repository: repository, fromRepository: false) }
            return nil
        }
        if announce, case .repository(let commit) = source {
            printError("warning: trusting \(TrustFile.repositoryPath) from HEAD (\(commit.prefix(12))): anyone who can push can edit it; pass --trust FILE to choose the keys yourself")
        }
        if announce { for ignored in signers.ignored { printError("warning: \(ignored)") } }
        let revokedKeys = try RevokedKeys.load(explicitPath: revoked, repository: repository, fromRepository: trust == nil)
        return Loaded(signers: signers, source: source, revoked: revokedKeys)
    }

    static let unverifiedWarning = "warning: no trust file: records are shown unverified (their signatures hold for the keys they name, which anyone can make); pass --trust FILE or commit \(TrustFile.repositoryPath)"

    /// For displays (blame, stats): the trust to filter records with; nil when there is
    /// none, and then the display ends with `unverifiedWarning` (after its output, so
    /// that a failure stays one line).
    func forDisplay(repository: Repository) throws -> RecordTrust? {
        try load(repository: repository)?.recordTrust
    }
}
