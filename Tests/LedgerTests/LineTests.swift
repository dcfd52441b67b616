import Ledger
import Testing

@Suite struct LineTests {
    @Test func linesAreCountedAsTheSpecSays() {
        #expect(FileLines(Array("".utf8)).count == 0)
        #expect(FileLines(Array("a".utf8)).count == 1)
        #expect(FileLines(Array("a\n".utf8)).count == 1)
        #expect(FileLines(Array("a\n\n".utf8)).count == 2)
        #expect(FileLines(Array("a\nb".utf8)).count == 2)
        let lines = FileLines(Array("one\ntwo\nthree".utf8))
        #expect(String(decoding: lines.bytes(ofLines: 2...3), as: UTF8.self) == "two\nthree")
        #expect(String(decoding: lines.bytes(ofLines: 1...1), as: UTF8.self) == "one\n")
    }
}
