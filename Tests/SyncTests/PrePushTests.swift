import Sync
import Testing

/// The pre-push hook syncs records unless the push already carries them.
@Suite struct PrePushTests {
    let id = String(repeating: "1", count: 40), zero = String(repeating: "0", count: 40)

    @Test func aPushOfTheNotesRefCarriesTheRecords() {
        #expect(NotesSync.pushCarriesRecords("refs/notes/sessiontrace \(id) refs/notes/sessiontrace \(zero)\n"))
        #expect(
            NotesSync.pushCarriesRecords(
                "refs/heads/main \(id) refs/heads/main \(zero)\r\nrefs/notes/sessiontrace \(id) refs/notes/sessiontrace \(id)\r\n"
            ))
        // Deleting the remote's records is a push of the notes ref too: no sync inside it.
        #expect(NotesSync.pushCarriesRecords("(delete) \(zero) refs/notes/sessiontrace \(id)\n"))
    }

    @Test func otherPushesDoNot() {
        #expect(!NotesSync.pushCarriesRecords(""))
        #expect(!NotesSync.pushCarriesRecords("refs/heads/main \(id) refs/heads/main \(zero)\n"))
        // The local notes ref pushed under another name leaves the remote's records as they are.
        #expect(!NotesSync.pushCarriesRecords("refs/notes/sessiontrace \(id) refs/notes/other \(zero)\n"))
        #expect(!NotesSync.pushCarriesRecords("refs/heads/x \(id) refs/notes/sessiontrace-old \(zero)\n"))
    }
}
