import Foundation
import Git
import TestSupport
import Testing

/// The commit-graph reader gives git's own commit times, from one file and from a
/// split chain, and a damaged file is refused whole, never read past its end.
@Suite struct CommitGraphTests {
    /// A repository of `count` commits whose committer times are out of creation order
    /// and some past 2^32 (the graph keeps 34 bits); the graph git wrote for it.
    func history(_ sandbox: Sandbox, count: Int, split: Bool = false) async throws -> URL {
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        for index in 1...count {
            try sandbox.write("line \(index)\n", to: "file.txt", in: directory)
            try await sandbox.git("add", "-A", in: directory)
            let time = index % 4 == 0 ? 4_400_000_000 + index : 1_700_000_000 + (index * 37 % 61) * 100
            let committed = try await sandbox.run(
                "git", ["commit", "-q", "-m", "commit \(index)"], in: directory,
                environment: ["GIT_COMMITTER_DATE": "@\(time) +0000"])
            #expect(committed.status == 0, "\(committed)")
            if split && index % 10 == 0 {
                try await sandbox.git("commit-graph", "write", "--reachable", "--split", in: directory)
            }
        }
        if split {
            try await sandbox.git("commit-graph", "write", "--reachable", "--split", in: directory)
        } else {
            try await sandbox.git("commit-graph", "write", "--reachable", in: directory)
        }
        return directory
    }

    func gitTimes(_ sandbox: Sandbox, _ directory: URL) async throws -> [(ObjectID, Int64)] {
        try await sandbox.git("log", "--format=%H %ct", in: directory).split(separator: "\n").map {
            let fields = $0.split(separator: " ")
            return (ObjectID(hex: String(fields[0]))!, Int64(fields[1])!)
        }
    }

    @Test(arguments: [false, true])
    func timesAreGitsOwn(split: Bool) async throws {
        let sandbox = try Sandbox()
        let directory = try await history(sandbox, count: 35, split: split)
        let objects = directory.appendingPathComponent(".git/objects").path
        if split {
            let chain = try String(contentsOfFile: objects + "/info/commit-graphs/commit-graph-chain", encoding: .utf8)
            #expect(chain.split(separator: "\n").count > 1, "one layer only: \(chain)")
        }
        let graph = try #require(CommitGraph(objectsDirectory: objects))
        for (commit, time) in try await gitTimes(sandbox, directory) {
            #expect(graph.time(of: commit) == time, "\(commit)")
        }
        #expect(graph.time(of: ObjectID(hex: String(repeating: "ab", count: 20))!) == nil)
        let repository = try Repository(discoveringFrom: directory.path)
        #expect(repository.commitGraph() != nil)
    }

    @Test func noGraphIsNone() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("x\n", to: "x.txt", in: directory)
        try await sandbox.commitAll("one", in: directory)
        #expect(CommitGraph(objectsDirectory: directory.appendingPathComponent(".git/objects").path) == nil)
    }

    /// Every truncation of a real graph, and bytes overwritten at every offset of its
    /// header and table of contents and throughout: refused or read within bounds
    /// (no crash); what a damaged graph says is used only to order work.
    @Test func damagedGraphsAreRefusedOrReadWithinBounds() async throws {
        let sandbox = try Sandbox()
        let directory = try await history(sandbox, count: 12)
        let info = directory.appendingPathComponent(".git/objects/info")
        let original = try Data(contentsOf: info.appendingPathComponent("commit-graph"))
        let scratch = sandbox.root.appendingPathComponent("objects/info")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let file = scratch.appendingPathComponent("commit-graph")
        let probe = try await gitTimes(sandbox, directory)[0].0
        func read(_ data: Data) throws -> CommitGraph? {
            try data.write(to: file)
            let graph = CommitGraph(objectsDirectory: sandbox.root.appendingPathComponent("objects").path)
            _ = graph?.time(of: probe)
            return graph
        }
        for length in 0..<original.count {
            #expect(try read(original.prefix(length)) == nil, "truncated to \(length)")
        }
        var random = SplitMix(state: 3)
        for offset in 0..<original.count {
            for value: UInt8 in [0x00, 0xFF, UInt8(truncatingIfNeeded: random.next())] {
                var damaged = original
                damaged[offset] = value
                _ = try read(damaged)
            }
        }
        #expect(try read(original) != nil)
    }
}
