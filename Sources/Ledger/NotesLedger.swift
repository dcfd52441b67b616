import Foundation
import Git
import Records

/// The records of a repository: envelope lines in the notes of `refs/notes/sessiontrace`
/// (spec/records.md §1).
public struct NotesLedger {
    package static let notesRef = "refs/notes/sessiontrace"

    /// The remote-tracking notes ref a remote's records are fetched into. Never the
    /// local ref: a fetch must not overwrite local records; sync merges them.
    package static func trackingRef(remote: String) -> String {
        "refs/notes/remotes/\(remote)/sessiontrace"
    }

    /// The fetch refspec `init` adds for each remote.
    package static func fetchRefspec(remote: String) -> String {
        "+\(notesRef):\(trackingRef(remote: remote))"
    }

    /// The text of one commit's note, split into record lines.
    package enum Note: Sendable {
        /// The non-empty lines, in note order.
        case lines([Substring], truncated: Bool)
        /// The blob is not UTF-8 text or could not be read.
        case unreadable(String)
    }

    package let repository: Repository
    package let ref: String

    package init(repository: Repository, ref: String = NotesLedger.notesRef) {
        self.repository = repository
        self.ref = ref
    }

    package static func split(noteBytes bytes: [UInt8]) -> Note {
        guard let (lines, truncated) = lineSlices(noteBytes: bytes) else { return .unreadable("not UTF-8 text") }
        return .lines(lines.map { Substring(decoding: $0, as: UTF8.self) }, truncated: truncated)
    }

    /// The note on `commit`, or nil when it has none.
    package func note(on commit: ObjectID, notesCommit: ObjectID? = nil) -> Note? {
        do {
            guard let bytes = try repository.note(for: commit, ref: ref, notesCommit: notesCommit) else { return nil }
            return NotesLedger.split(noteBytes: bytes)
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// Whether `commit` has an attribution record, which is what capture means by a
    /// recorded commit: a note of reviews, waivers or estimates only (an estimate is
    /// never captured data) leaves the commit to be recorded. A note that cannot be
    /// read counts as recorded: nothing is appended to it.
    package func hasAttributionRecord(on commit: ObjectID) -> Bool {
        switch note(on: commit) {
        case nil: return false
        case .unreadable: return true
        case .lines(let lines, _)?:
            return lines.contains { line in
                guard let envelope = try? Envelope(line: line), let statement = try? Statement(envelope: envelope)
                else { return false }
                return statement.commit == commit.hex && statement.attribution != nil
            }
        }
    }

    /// Every annotated object with its note.
    package func allNotes() throws -> [(target: ObjectID, note: Note)] {
        try repository.allNotes(ref: ref).map { ($0.target, note(fromBlobs: $0.blobs)) }
    }

    /// The note stored in these blobs (concatenated, shallowest first).
    package func note(fromBlobs blobs: [ObjectID]) -> Note {
        do {
            return NotesLedger.split(noteBytes: try noteBytes(fromBlobs: blobs))
        } catch {
            return .unreadable("\(error)")
        }
    }

    /// The bytes of the note stored in these blobs (concatenated, shallowest first).
    package func noteBytes(fromBlobs blobs: [ObjectID]) throws -> [UInt8] {
        if blobs.count == 1 { return try repository.blobContent(blobs[0]) }
        return try blobs.flatMap { try repository.blobContent($0) }
    }

    /// The record lines of a note's bytes, without their LFs, and whether the last one
    /// was cut short (every record line ends with LF); nil when the note is not UTF-8
    /// text. Split on the LF byte: far cheaper than splitting by Characters.
    public static func lineSlices(noteBytes bytes: [UInt8]) -> (lines: [ArraySlice<UInt8>], truncated: Bool)? {
        // Records are nearly always ASCII: validate as UTF-8 only when they are not.
        var lines = [ArraySlice<UInt8>]()
        var ascii = true
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                let index = base.distance(to: UnsafeRawPointer(found))
                if index > start { lines.append(bytes[start..<index]) }
                start = index + 1
            }
            if start < buffer.count { lines.append(bytes[start...]) }
            // Eight bytes at a time: any with its top bit set is not ASCII.
            var seen: UInt64 = 0
            let words = buffer.count / 8
            for word in 0..<words { seen |= buffer.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self) }
            for index in words * 8..<buffer.count { seen |= UInt64(buffer[index]) }
            ascii = seen & 0x8080_8080_8080_8080 == 0
        }
        if !ascii, String(validating: bytes, as: UTF8.self) == nil { return nil }
        return (lines, bytes.last.map { $0 != 0x0A } ?? false)
    }

    /// Appends record lines to the notes of commits in one notes commit. Lines already
    /// present are not added twice. Retries when another writer moves the ref first,
    /// so concurrent writers never lose each other's records.
    package func append(_ linesByCommit: [ObjectID: [String]], message: String, attempts: Int = 100) throws {
        var attempt = 0
        // A lock a killed writer left is removed once it is stale: until then, keep trying
        // (a live writer holds it for milliseconds), whatever the number of attempts.
        let started = Date()
        while true {
            attempt += 1
            let tip = try repository.notesTip(ref)
            var changes = [ObjectID: [UInt8]?]()
            for (commit, newLines) in linesByCommit {
                let existingBytes = try repository.note(for: commit, ref: ref, notesCommit: tip) ?? []
                var text = String(decoding: existingBytes, as: UTF8.self)
                var present = Set(text.split(separator: "\n").map(String.init))
                var added = false
                for line in newLines where !present.contains(line) {
                    if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
                    text += line + "\n"
                    present.insert(line)
                    added = true
                }
                if added { changes[commit] = Array(text.utf8) }
            }
            guard !changes.isEmpty else { return }
            do {
                try repository.updateNotes(ref: ref, expectedTip: tip, changes: changes, message: message)
                return
            } catch let error as GitError
                where error.kind == .modified
                && (attempt < attempts || Date().timeIntervalSince(started) < Repository.staleLockAge + 2)
            {
                // Back off with jitter so that writers racing for the ref spread out.
                let ceiling = UInt32(min(50_000, 500 << min(attempt, 7)))
                usleep(UInt32.random(in: ceiling / 2...ceiling))
                continue
            }
        }
    }
}
