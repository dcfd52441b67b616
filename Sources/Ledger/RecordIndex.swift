import Git
import Signing

/// The newest attribution record of each commit, decoded, for displays (blame, stats).
/// Only records whose signature holds for the key they name are used; which keys to
/// trust is `git trace verify`'s question, and reports say so.
public final class RecordIndex {
    private let ledger: NotesLedger
    private var cache = [ObjectID: Attribution?]()
    /// The notes commit read from, resolved once: every lookup sees the same ledger.
    private let notesCommit: ObjectID?

    public init(repository: Repository) {
        ledger = NotesLedger(repository: repository)
        notesCommit = try? repository.notesTip(NotesLedger.notesRef)
    }

    public func attribution(of commit: ObjectID) -> Attribution? {
        if let cached = cache[commit] { return cached }
        var newest: Attribution?
        guard let notesCommit else { return nil }
        if case .lines(let lines, _)? = ledger.note(on: commit, notesCommit: notesCommit) {
            for line in lines {
                guard let envelope = try? Envelope(line: line), let statement = try? Statement(payload: envelope.payload),
                      statement.commit == commit.hex, let attribution = statement.attribution,
                      let key = try? PublicKey.cached(openSSH: attribution.signer.publicKey),
                      key.fingerprint == envelope.signatures[0].keyID,
                      key.isValidSignature(envelope.signatures[0].bytes, for: envelope.preAuthenticationEncoding)
                else { continue }
                if newest == nil || attribution.recordedAt >= newest!.recordedAt { newest = attribution }
            }
        }
        cache[commit] = newest
        return newest
    }
}
