import ArgumentParser
import Git
import Ledger
import Signing
import Verification

/// `--trust` and `--revoked`, shared by every command that uses records: the keys the
/// user chooses to trust (spec/records.md §6).
struct TrustOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The allowed_signers file to trust (default: the repository's .sessiontrace/allowed_signers, with a warning).",
            valueName: "file"))
    var trust: String?

    @Option(
        help: ArgumentHelp("A file of revoked keys (ssh-ed25519 lines or SHA256: fingerprints).", valueName: "file"))
    var revoked: String?

    /// The trust file given, else the repository's own at HEAD (said on stderr when
    /// `announce`); nil when there is neither.
    func load(repository: Repository, announce: Bool = true) throws -> ChosenTrust? {
        try ChosenTrust.load(
            trustFile: trust, revokedFile: revoked, repository: repository,
            warn: announce ? { printError("warning: \($0)") } : nil)
    }

    static let unverifiedWarning =
        "warning: no trust file: records are shown unverified (their signatures hold for the keys they name, which anyone can make); pass --trust FILE or commit \(TrustFile.repositoryPath)"

    /// For displays (blame, stats): the trust to filter records with; nil when there is
    /// none, and then the display ends with `unverifiedWarning` (after its output, so
    /// that a failure stays one line).
    func forDisplay(repository: Repository) throws -> RecordTrust? {
        try load(repository: repository)?.recordTrust
    }

    /// `--cache`'s verification cache under `trust` (nil when not asked for or without a
    /// trust), with the one-line warning when the cache is unusable and ignored.
    static func verificationCache(_ wanted: Bool, trust: ChosenTrust?, repository: Repository) -> VerificationCache? {
        guard wanted, let trust else { return nil }
        let cache = VerificationCache(
            gitDirectory: repository.gitDirectory, trust: trust.signers, revoked: trust.revoked, checksContent: false)
        if let why = cache.ignoredBecause { printError("warning: \(why)") }
        return cache
    }
}
