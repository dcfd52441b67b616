import Sync
import Testing

/// The per-note merge rule of spec/sync.md §2.
@Suite struct MergeNoteTests {
    func note(_ lines: String...) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }

    @Test func oneSidedNotesAreKeptAsTheyAre() {
        #expect(NotesSync.mergeNote(local: note("b", "a"), remote: nil) == note("b", "a"))
        #expect(NotesSync.mergeNote(local: nil, remote: note("c")) == note("c"))
        #expect(NotesSync.mergeNote(local: nil, remote: nil) == nil)
    }

    @Test func aSupersetWinsUnsorted() {
        // What git does when only one side appended: that side's note, in its order.
        #expect(NotesSync.mergeNote(local: note("z", "a"), remote: note("z", "a", "m")) == note("z", "a", "m"))
        #expect(NotesSync.mergeNote(local: note("z", "a", "m"), remote: note("a")) == note("z", "a", "m"))
    }

    @Test func divergedNotesAreCatSortUniq() {
        #expect(NotesSync.mergeNote(local: note("z", "b"), remote: note("a", "b")) == note("a", "b", "z"))
        // Byte order, not locale order: uppercase sorts before lowercase.
        #expect(NotesSync.mergeNote(local: note("b"), remote: note("B")) == note("B", "b"))
    }

    @Test func neverDropsALine() {
        let local = note("1", "2", "3"), remote = note("3", "4")
        let merged = String(decoding: NotesSync.mergeNote(local: local, remote: remote)!, as: UTF8.self)
        #expect(Set(merged.split(separator: "\n")) == ["1", "2", "3", "4"])
    }
}
