import Foundation
import Git
import Hex
import TestSupport
import Testing

@Suite struct RepositoryTests {
    func repository(_ sandbox: Sandbox) async throws -> URL {
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write(numberedLines(20), to: "a.txt", in: directory)
        try sandbox.write("keep\n", to: "dir/b.txt", in: directory)
        try await sandbox.commitAll("one", in: directory)
        try sandbox.write(numberedLines(15) + "new\nlines\n", to: "a.txt", in: directory)
        try FileManager.default.moveItem(
            at: directory.appendingPathComponent("dir/b.txt"), to: directory.appendingPathComponent("dir/c.txt"))
        try await sandbox.commitAll("two", in: directory)
        try sandbox.write("third\n", to: "d.txt", in: directory)
        try await sandbox.commitAll("three", in: directory)
        return directory
    }

    @Test func lineStatsMatchGitNumstat() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let repository = try Repository(discoveringFrom: directory.path)
        for revision in ["HEAD", "HEAD~1", "HEAD~2"] {
            let numstat = try await sandbox.git("show", "--numstat", "--format=", revision, in: directory)
            var added = 0, deleted = 0
            for line in numstat.split(separator: "\n") {
                let fields = line.split(separator: "\t")
                added += Int(fields[0]) ?? 0
                deleted += Int(fields[1]) ?? 0
            }
            let stats = try repository.lineStats(of: try repository.resolveCommit(revision))
            #expect(stats.added == added && stats.deleted == deleted, "\(revision)")
        }
    }

    /// Line counts decide binary by content (git's test, capture's) and find renames as
    /// git does by default, whatever the clone: attributes calling text binary or
    /// binary text, libgit2's heuristic calling text with control characters binary,
    /// and `diff.renames=false` change none of them.
    @Test func lineStatsAreTheSameInEveryClone() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        try sandbox.write("PNG\0\nnot\nlines\n", to: "image.png", in: directory)
        try sandbox.write(
            (1...5).map { "line \($0) \u{1}\u{2}\u{3}\u{4}" }.joined(separator: "\n"), to: "tty.txt", in: directory)
        try await sandbox.commitAll("four", in: directory)
        let repository = try Repository(discoveringFrom: directory.path)
        func stats() throws -> [String] {
            try ["HEAD", "HEAD~1", "HEAD~2", "HEAD~3"].map { revision in
                let stats = try repository.lineStats(of: try repository.resolveCommit(revision))
                return "\(revision) +\(stats.added) -\(stats.deleted)"
            }
        }
        let expected = try stats()
        // a.txt: 2 added, 5 deleted; b.txt renamed to c.txt unchanged; tty.txt's 5 lines.
        #expect(expected == ["HEAD +5 -0", "HEAD~1 +1 -0", "HEAD~2 +2 -5", "HEAD~3 +21 -0"], "\(expected)")
        try sandbox.write("*.txt -diff\n*.png diff\n", to: ".git/info/attributes", in: directory)
        #expect(try stats() == expected, "attributes")
        try await sandbox.git("config", "diff.renames", "false", in: directory)
        #expect(try stats() == expected, "diff.renames=false")

        // A submodule added, then moved on: counted as git counts it, whatever the
        // `ignore` of `.gitmodules`.
        let library = try await sandbox.makeRepository("library")
        try sandbox.write("one\n", to: "lib.txt", in: library)
        try await sandbox.commitAll("one", in: library)
        try await sandbox.git(
            "-c", "protocol.file.allow=always", "submodule", "add", "-q", library.path, "lib", in: directory)
        try await sandbox.commitAll("add the library", in: directory)
        try sandbox.write("two\n", to: "lib.txt", in: library)
        try await sandbox.commitAll("two", in: library)
        try await sandbox.git("-C", "lib", "pull", "-q", in: directory)
        try await sandbox.git("config", "-f", ".gitmodules", "submodule.lib.ignore", "all", in: directory)
        try await sandbox.commitAll("move the library on", in: directory)
        for revision in ["HEAD", "HEAD~1"] {
            let numstat = try await sandbox.git(
                "-c", "diff.renames=true", "show", "--numstat", "--format=", "--ignore-submodules=none", revision,
                in: directory)
            let counted = numstat.split(separator: "\n").reduce((0, 0)) {
                let fields = $1.split(separator: "\t")
                return ($0.0 + (Int(fields[0]) ?? 0), $0.1 + (Int(fields[1]) ?? 0))
            }
            let stats = try repository.lineStats(of: try repository.resolveCommit(revision))
            #expect(stats.added == counted.0 && stats.deleted == counted.1, "\(revision): \(stats), git: \(numstat)")
        }
    }

    @Test func rangesWalkLikeRevList() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let repository = try Repository(discoveringFrom: directory.path)
        for range in ["HEAD", "HEAD~2..HEAD", "HEAD~1..", "HEAD~1"] {
            let expected = try await sandbox.git("rev-list", range, in: directory).split(separator: "\n").map(
                String.init)
            #expect(try repository.commits(inRange: range).map(\.hex) == expected, "\(range)")
        }
        #expect(throws: GitError.self) { try repository.commits(inRange: "HEAD...HEAD~1") }
        #expect(throws: GitError.self) { try repository.resolveCommit("no-such-branch") }
    }

    /// libgit2 reads the commits themselves, not git's commit-graph (a cache anyone
    /// holding the repository can write): a graph that makes the middle commit a root
    /// and gives the newest its parent's tree changes no walk, parent or tree read.
    @Test func aForgedCommitGraphChangesNoRead() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let repository = try Repository(discoveringFrom: directory.path)
        let head = try repository.resolveCommit("HEAD"), middle = try repository.resolveCommit("HEAD~1")
        func reads() throws -> [String] {
            let commit = try repository.commit(head)
            return try repository.commits(inRange: "HEAD").map(\.hex)
                + repository.commits(inRange: "HEAD~2..HEAD").map(\.hex)
                + [
                    commit.treeID.hex, try repository.firstParentID(of: middle)?.hex ?? "none",
                    "\(try repository.lineStats(of: head).added)",
                ]
        }
        let expected = try reads()
        try await sandbox.git("commit-graph", "write", "--reachable", in: directory)
        let git = directory.appendingPathComponent(".git")
        let parentTree = try await sandbox.git("rev-parse", "HEAD~1^{tree}", in: directory)
        try forgeCommitGraph(gitDirectory: git, commit: head.hex, tree: parentTree.trimmingCharacters(in: .newlines))
        try forgeCommitGraph(gitDirectory: git, commit: middle.hex, root: true)
        #expect(try await sandbox.git("rev-list", "--count", "HEAD", in: directory) == "2\n", "git reads the graph")
        #expect(try Repository(discoveringFrom: directory.path).commits(inRange: "HEAD").count == 3)
        #expect(try reads() == expected)
    }

    @Test func readsFilesAtACommit() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let repository = try Repository(discoveringFrom: directory.appendingPathComponent("dir").path)
        let first = try repository.resolveCommit("HEAD~2")
        guard case .blob(let bytes) = try repository.content(ofPath: "dir/b.txt", inCommit: first) else {
            Issue.record("dir/b.txt missing"); return
        }
        #expect(bytes == Array("keep\n".utf8))
        if case .blob = try repository.content(ofPath: "dir/b.txt", inCommit: try repository.resolveCommit("HEAD")) {
            Issue.record("b.txt was renamed away")
        }
        guard case .notAFile = try repository.content(ofPath: "dir", inCommit: first) else {
            Issue.record("dir is a tree"); return
        }
    }

    @Test func userPathsBecomeRepositoryPaths() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let repository = try Repository(discoveringFrom: directory.path)
        let sub = directory.appendingPathComponent("dir").path
        #expect(repository.repositoryPath(forUserPath: "c.txt", currentDirectory: sub) == "dir/c.txt")
        #expect(repository.repositoryPath(forUserPath: "../a.txt", currentDirectory: sub) == "a.txt")
        #expect(repository.repositoryPath(forUserPath: "./x/../c.txt", currentDirectory: sub) == "dir/c.txt")
        #expect(repository.repositoryPath(forUserPath: directory.path + "/a.txt", currentDirectory: "/") == "a.txt")
        #expect(repository.repositoryPath(forUserPath: "../../elsewhere", currentDirectory: sub) == nil)
    }

    @Test func multiValuedConfigAddsOnlyOnce() async throws {
        let sandbox = try Sandbox()
        let directory = try await repository(sandbox)
        let config = try Repository(discoveringFrom: directory.path).config()
        #expect(try config.add("remote.origin.fetch", value: "+refs/notes/x:refs/notes/remotes/origin/x"))
        #expect(try config.add("remote.origin.fetch", value: "+refs/heads/*:refs/remotes/origin/*"))
        #expect(try !config.add("remote.origin.fetch", value: "+refs/notes/x:refs/notes/remotes/origin/x"))
        let values = try await sandbox.git("config", "--get-all", "remote.origin.fetch", in: directory)
        #expect(values == "+refs/notes/x:refs/notes/remotes/origin/x\n+refs/heads/*:refs/remotes/origin/*\n")
    }

    @Test func notARepositoryIsAClearError() throws {
        #expect {
            try Repository(discoveringFrom: "/")
        } throws: { error in
            (error as? GitError)?.kind == .notARepository
        }
    }

    /// Every command that opens a repository would otherwise spend ~4.5 ms parsing the
    /// system CA bundle in git_libgit2_init (BENCHMARKS.md, 12-03): the stand-in loader
    /// must be the one libgit2 calls, and it must load nothing (a TLS connection through
    /// libgit2 then trusts no certificate: it fails closed).
    @Test func libgit2LoadsNoCertificateBundle() async throws {
        // A bundle mbedTLS itself accepts (a P-256 certificate): the refusal is the stand-in's.
        let sandbox = try Sandbox()
        let made = try await sandbox.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                "/CN=bundle", "-days", "1", "-keyout", "key.pem", "-out", "bundle.pem",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(!libgit2LoadsCertificates(fromFile: sandbox.root.appendingPathComponent("bundle.pem").path))
    }

    @Test func emptyRepositoryHasNoCommits() async throws {
        let sandbox = try Sandbox()
        let directory = try await sandbox.makeRepository()
        let repository = try Repository(discoveringFrom: directory.path)
        #expect(repository.hasNoCommits)
        #expect(throws: GitError.self) { try repository.resolveCommit("HEAD") }
    }

    /// The first notes commit: writers that all find no ref must not all succeed, or
    /// every record but the last writer's is lost. libgit2's non-forced create checks
    /// existence before it takes the lock; the window is small, so race many rounds.
    @Test func onlyOneCreatorOfAReferenceWins() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        try sandbox.write("one\n", to: "a.txt", in: directory)
        let head = try ObjectID(hex: await sandbox.commitAll("one", in: directory))!
        let writers = 6, rounds = 150
        var doubleWins = [Int]()
        for round in 0..<rounds {
            let name = "refs/notes/race\(round)"
            let start = ThreadBarrier(count: writers)
            let wins = Counter()
            let finished = DispatchGroup()
            for _ in 0..<writers {
                finished.enter()
                Thread {
                    defer { finished.leave() }
                    let repository = try? Repository(discoveringFrom: directory.path)
                    start.wait()
                    if (try? repository?.moveReference(name, to: head, expected: nil, logMessage: "race")) != nil {
                        wins.increment()
                    }
                }.start()
            }
            finished.wait()
            if wins.value != 1 { doubleWins.append(round) }
        }
        #expect(doubleWins.isEmpty, "rounds where more or fewer than one creator succeeded: \(doubleWins)")
    }
}

/// Releases every waiting thread once `count` have arrived.
private final class ThreadBarrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func wait() {
        condition.lock()
        arrived += 1
        if arrived == count { condition.broadcast() } else { while arrived < count { condition.wait() } }
        condition.unlock()
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// A shallow clone (what CI checks out) and a repository missing a parent: the walk
/// lists what git rev-list lists, or fails, never a silently shorter history.
@Suite struct ShallowWalkTests {
    /// main: c1 - c2 - c3 - merge(c3, side) - c5, with side branching off c2.
    func history(_ sandbox: Sandbox) async throws -> URL {
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository("origin")
        for index in 1...3 {
            try sandbox.write("\(index)\n", to: "main.txt", in: directory)
            try await sandbox.commitAll("c\(index)", in: directory)
            if index == 2 { try await sandbox.git("branch", "side", in: directory) }
        }
        try await sandbox.git("checkout", "-q", "side", in: directory)
        for index in 1...2 {
            try sandbox.write("\(index)\n", to: "side.txt", in: directory)
            try await sandbox.commitAll("s\(index)", in: directory)
        }
        try await sandbox.git("checkout", "-q", "main", in: directory)
        try await sandbox.git("merge", "-q", "--no-edit", "side", in: directory)
        try sandbox.write("5\n", to: "main.txt", in: directory)
        try await sandbox.commitAll("c5", in: directory)
        return directory
    }

    @Test(arguments: [1, 2, 3, 4])
    func shallowCloneWalksToItsBoundary(depth: Int) async throws {
        let sandbox = try Sandbox()
        let origin = try await history(sandbox)
        try await sandbox.git("clone", "-q", "--depth", "\(depth)", "file://\(origin.path)", "clone", in: sandbox.root)
        let clone = sandbox.root.appendingPathComponent("clone")
        let repository = try Repository(discoveringFrom: clone.path)
        let boundary = try repository.shallowBoundary()
        #expect(!boundary.isEmpty)
        let walked = try repository.commits(inRange: "HEAD")
        let revList = try await sandbox.git("rev-list", "HEAD", in: clone).split(separator: "\n").map(String.init)
        #expect(walked.map(\.hex).sorted() == revList.sorted(), "depth \(depth)")
        #expect(Set(walked.map(\.hex)).count == walked.count)
        // Every commit comes before its parents.
        let position = Dictionary(uniqueKeysWithValues: walked.enumerated().map { ($1, $0) })
        for id in walked where !boundary.contains(id) {
            for parent in try repository.commit(id).parentIDs {
                #expect(
                    position[parent].map { $0 > position[id]! } ?? false, "\(id.shortHex) before \(parent.shortHex)")
            }
        }
        #expect(try repository.commits(inRange: "HEAD..HEAD").isEmpty)
    }

    @Test func missingParentIsAnErrorNotTheEndOfHistory() async throws {
        let sandbox = try Sandbox()
        let origin = try await history(sandbox)
        let parent = try await sandbox.git("rev-parse", "HEAD~1", in: origin).trimmingCharacters(in: .newlines)
        let object = origin.appendingPathComponent(".git/objects/\(parent.prefix(2))/\(parent.dropFirst(2))")
        try FileManager.default.removeItem(at: object)
        let repository = try Repository(discoveringFrom: origin.path)
        #expect(throws: GitError.self) { try repository.commits(inRange: "HEAD") }
    }
}

/// `git -c name=value` reaches subcommands only in the environment, which libgit2
/// ignores: it is read as git writes it.
@Suite struct CommandLineConfigTests {
    @Test func readsWhatGitPassesToSubcommands() async throws {
        let sandbox = try Sandbox()
        let bin = sandbox.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = try sandbox.write(
            "#!/bin/sh\nprintf '%s' \"$GIT_CONFIG_PARAMETERS\"\n", to: "bin/git-showenv", in: sandbox.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let output = try await sandbox.run(
            "git",
            [
                "-c", "sessiontrace.signingKey=/k ey", "-c", "A.Sub.Name=it's!x", "-c", "core.flag", "-c", "e.f=",
                "showenv",
            ],
            environment: ["PATH": "\(bin.path):/usr/bin:/bin"])
        let entries = CommandLineConfig.parse(["GIT_CONFIG_PARAMETERS": output.stdout])
        #expect(
            entries.map(\.name) == ["sessiontrace.signingkey", "a.Sub.name", "core.flag", "e.f"], "\(output.stdout)")
        #expect(entries.map(\.value) == ["/k ey", "it's!x", "true", ""], "\(output.stdout)")
    }

    @Test func readsOldStyleParametersAndTheCountedForm() {
        let old = CommandLineConfig.parse(["GIT_CONFIG_PARAMETERS": "'user.email=a@b.c' 'x.y=it'\\''s'"])
        #expect(old.map(\.name) == ["user.email", "x.y"])
        #expect(old.map(\.value) == ["a@b.c", "it's"])
        let counted = CommandLineConfig.parse([
            "GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": "User.Email", "GIT_CONFIG_VALUE_0": "x@y.z",
            "GIT_CONFIG_KEY_1": "core.bare", "GIT_CONFIG_VALUE_1": "false",
        ])
        #expect(counted.map(\.name) == ["user.email", "core.bare"])
        #expect(counted.map(\.value) == ["x@y.z", "false"])
        #expect(CommandLineConfig.parse(["GIT_CONFIG_COUNT": "nope"]).isEmpty)
        #expect(CommandLineConfig.parse(["GIT_CONFIG_PARAMETERS": "garbage"]).isEmpty)
    }
}

/// `addedLines` keeps parent versions for the commits that wrote them: whatever order
/// the questions come in, one long-lived handle answers exactly as a fresh handle per
/// question does, through branches, a merge, a file that returns to an earlier version
/// (the same blob reached twice) and a removed file.
@Suite struct AddedLinesTests {
    @Test func aLongLivedHandleAnswersAsFreshOnesDo() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var text = numberedLines(30)
        try sandbox.write(text, to: "a.txt", in: directory)
        try sandbox.write("b\n", to: "b.txt", in: directory)
        try await sandbox.commitAll("base", in: directory)
        for round in 1...12 {
            text = text.replacingOccurrences(of: "line \(round)\n", with: "line \(round)\nadded \(round)\n")
            try sandbox.write(text, to: "a.txt", in: directory)
            try sandbox.write(round % 2 == 0 ? "b\n" : "b\nodd\n", to: "b.txt", in: directory)  // recurring versions
            try await sandbox.commitAll("round \(round)", in: directory)
            if round == 6 { try await sandbox.git("branch", "side", in: directory) }
        }
        try await sandbox.git("checkout", "-q", "side", in: directory)
        try sandbox.write("side\n" + numberedLines(30), to: "c.txt", in: directory)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("b.txt"))
        try await sandbox.commitAll("side", in: directory)
        try await sandbox.git("checkout", "-q", "main", in: directory)
        try await sandbox.git("merge", "-q", "--no-edit", "side", in: directory)
        try await sandbox.git("repack", "-adq", in: directory)

        let commits = try Repository(discoveringFrom: directory.path).commits(inRange: "HEAD")
        let questions = commits.flatMap { commit in ["a.txt", "b.txt", "c.txt"].map { (commit, $0) } }
        func fresh(_ question: (ObjectID, String)) throws -> AddedLines {
            try Repository(discoveringFrom: directory.path).addedLines(ofPath: question.1, inCommit: question.0)
        }
        let expected = try questions.map(fresh)
        #expect(expected.contains { if case .ranges(let r) = $0 { !r.isEmpty } else { false } })
        for order in [questions, questions.reversed(), questions + questions] {
            let shared = try Repository(discoveringFrom: directory.path)
            let answers = order.map { shared.addedLines(ofPath: $0.1, inCommit: $0.0) }
            let wanted = try order.map(fresh)
            #expect(answers == wanted)
        }
    }
}

/// Atomic replacement: the new bytes or the old, never through a link, nothing left
/// behind beside the file or in /tmp.
@Suite struct AtomicFileTests {
    @Test func replacesWithTheModeAskedLeavingNothingBehind() throws {
        let sandbox = try Sandbox()
        let directory = sandbox.root.appendingPathComponent("out").path
        try AtomicFile.makePrivateDirectory(directory)
        let target = directory + "/file"
        try AtomicFile.replace(target, with: Array("one\n".utf8))
        try AtomicFile.replace(target, with: Array("two\n".utf8))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "two\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["file"])
        let mode = { (path: String) in
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0) & 0o777
        }
        #expect(try mode(target) == 0o600)
        #expect(try mode(directory) == 0o700)
        try AtomicFile.replace(directory + "/script", with: Array("#!/bin/sh\n".utf8), mode: 0o755)
        #expect(try mode(directory + "/script") & 0o700 == 0o700)
    }

    @Test func aLinkAtTheTargetIsReplacedNotWrittenThrough() throws {
        let sandbox = try Sandbox()
        let outside = try sandbox.write("private\n", to: "outside.txt", in: sandbox.root)
        let link = sandbox.root.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside.path)
        try AtomicFile.replace(link, with: Array("report\n".utf8), mode: 0o644)
        #expect(try String(contentsOf: outside, encoding: .utf8) == "private\n")
        #expect(try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOfFile: link, encoding: .utf8) == "report\n")
    }

    @Test func aDirectoryThatCannotBeWrittenIsAClearError() throws {
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.replace("/nonexistent-dir/x", with: [1]) }
    }
}

@Suite struct ObjectIDTests {
    @Test func parsesFortyDigitsOnlyAndPrintsLowerCase() {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        #expect(ObjectID(hex: hex)?.hex == hex)
        #expect(ObjectID(hex: hex.uppercased())?.hex == hex)
        #expect(ObjectID(hex: hex)?.shortHex == "0123456789ab")
        for bad in [
            String(hex.dropLast()), hex + "8", String(hex.dropLast()) + "g", "", String(repeating: "0", count: 64),
        ] {
            #expect(ObjectID(hex: bad) == nil, "\(bad)")
        }
        #expect(ObjectID(hex: String(repeating: "0", count: 40))?.isZero == true)
        #expect(ObjectID(hex: hex)?.isZero == false)
        #expect(ObjectID(hex: hex)! < ObjectID(hex: "1" + hex.dropFirst())!)
    }
}

@Suite struct CommitsNamedTests {
    @Test func aRevisionIsOneCommitAndARangeItsCommitsOldestFirst() async throws {
        let sandbox = try Sandbox()
        try await sandbox.configureIdentity()
        let directory = try await sandbox.makeRepository()
        var commits = [ObjectID]()
        for index in 1...3 {
            try sandbox.write("\(index)\n", to: "a.txt", in: directory)
            commits.append(ObjectID(hex: try await sandbox.commitAll("c\(index)", in: directory))!)
        }
        let repository = try Repository(discoveringFrom: directory.path)
        #expect(try repository.commits(namedBy: "HEAD") == [commits[2]])
        #expect(try repository.commits(namedBy: "HEAD~2..HEAD") == [commits[1], commits[2]])
        #expect(try repository.commits(namedBy: "HEAD..HEAD").isEmpty)
        #expect(throws: GitError.self) { try repository.commits(namedBy: "nosuch..HEAD") }
    }
}
