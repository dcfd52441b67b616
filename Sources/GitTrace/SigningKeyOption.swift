import ArgumentParser

/// `--key`, shared by every command that signs: the key file to sign with instead of
/// the one git's configuration names (`sessiontrace.signingKey`).
struct SigningKeyOption: ParsableArguments {
    @Option(help: ArgumentHelp("Signing key file (default: sessiontrace.signingKey).", valueName: "path"))
    var key: String?
}
