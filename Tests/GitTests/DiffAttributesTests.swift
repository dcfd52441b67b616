import Foundation
import Git
import TestSupport
import Testing

@Suite struct DiffAttributesTests {
    /// The values git decides binary or text by (set, unset, a driver configured
    /// `binary`) decide; unspecified, and a driver that leaves it to content (a
    /// language's, `diff=cpp`), do not — asked in one batch or one at a time alike,
    /// for paths with spaces, newlines and bytes that are not UTF-8.
    @Test func attributesThatDecideBinaryAreTold() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        let odd = "odd name\nwith " + GitPath.string(bytes: [0xFF, 0xFE])
        try sandbox.write(
            "*.png diff\n*.bin -diff\n*.dat diff=data\n*.c diff=cpp\n*.txt diff=Plain\n\"odd*\" diff\n",
            to: ".gitattributes", in: directory)
        try await sandbox.git("config", "diff.data.binary", "false", in: directory)
        try await sandbox.git("config", "diff.Plain.binary", "true", in: directory)
        let expected: [String: Bool] = [
            "image.png": true, "deep/dir/x.png": true, "a.bin": true, "table.dat": true, "main.c": false,
            "notes.txt": true, "README": false, "src/tool.py": false, odd: true, "odd": true,
        ]
        let repository = try Repository(discoveringFrom: directory.path)
        let batch = DiffAttributes(git: GitCommand(repository: repository))
        batch.ask(expected.keys)
        let single = DiffAttributes(git: GitCommand(repository: repository))
        for (path, decides) in expected {
            #expect(batch.attributeDecides(path) == decides, "\(path) asked in a batch")
            #expect(single.attributeDecides(path) == decides, "\(path) asked alone")
        }
        // Far more paths than a pipe holds, both ways, answered in one batch.
        let many = (0..<20_000).map {
            "some/deep/directory/of/the/tree/file-number-\($0)" + ($0 % 3 == 0 ? ".png" : ".py")
        }
        let large = DiffAttributes(git: GitCommand(repository: repository))
        large.ask(many)
        #expect(many.allSatisfy { large.attributeDecides($0) == $0.hasSuffix(".png") })
        // A driver's configuration read when first asked: configured later, it counts
        // in a new query (each run asks afresh).
        try await sandbox.git("config", "diff.cpp.binary", "false", in: directory)
        #expect(DiffAttributes(git: GitCommand(repository: repository)).attributeDecides("main.c"))
    }

    /// A bare repository reads `info/attributes` (git reads no work tree there), and a
    /// path git will not answer for (outside the repository) counts as decided: read
    /// by content, never trusted to git's verdict; the paths after it are still told.
    @Test func bareRepositoriesAndUnanswerablePaths() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("x\n", to: "a.txt", in: directory)
        try await sandbox.commitAll("one", in: directory)
        let bare = sandbox.root.appendingPathComponent("bare.git")
        try await sandbox.git("clone", "-q", "--bare", directory.path, bare.path, in: sandbox.root)
        try sandbox.write("*.png diff\n", to: "info/attributes", in: bare)
        let repository = try Repository(discoveringFrom: bare.path)
        let attributes = DiffAttributes(git: GitCommand(repository: repository))
        #expect(attributes.attributeDecides("image.png"))
        #expect(!attributes.attributeDecides("a.txt"))
        #expect(attributes.attributeDecides("../outside.txt"))
        #expect(attributes.attributeDecides("b.txt"), "once git stopped answering, read by content")
        let batch = DiffAttributes(git: GitCommand(repository: repository))
        batch.ask(["../outside.txt", "a.txt"])
        #expect(batch.attributeDecides("a.txt"), "a batch git refused: read by content")
    }
}
