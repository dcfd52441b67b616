import Foundation
import Git
import Testing

/// The package's one way of starting processes: what reaches the child is exactly
/// what was given, and no pipe can wedge it.
@Suite struct ChildProcessTests {
    let environment = ["PATH": "/usr/bin:/bin", "ONLY": "this"]

    @Test func argumentsReachTheChildAsBytesEvenWhenNotUTF8() throws {
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9]
        let result = try ChildProcess.run(
            "printf", arguments: [Array("%s".utf8), latin1], environment: environment, directory: "/")
        #expect(result.status == 0)
        #expect(result.output == latin1)
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() throws {
        let result = try ChildProcess.run("env", arguments: [], environment: environment, directory: "/")
        let lines = Set(String(decoding: result.output, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(lines == ["PATH=/usr/bin:/bin", "ONLY=this"])
    }

    @Test func runsInTheDirectoryGiven() throws {
        let result = try ChildProcess.run("pwd", arguments: [], environment: environment, directory: "/usr")
        #expect(String(decoding: result.output, as: UTF8.self) == "/usr\n")
    }

    /// Megabytes each way, both output pipes full at once: a runner that wrote all of
    /// stdin before reading, or read stdout to its end before stderr, would hang here.
    @Test func largeInputAndBothOutputsAtOnceDoNotDeadlock() throws {
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
        let result = try ChildProcess.run(
            "sh", arguments: [Array("-c".utf8), Array("tee /dev/stderr".utf8)], environment: environment,
            directory: "/", input: input)
        #expect(result.status == 0)
        #expect(result.output == input)
        #expect(result.errors == input)
    }

    @Test func withoutInputTheChildReadsNothing() throws {
        let result = try ChildProcess.run("cat", arguments: [], environment: environment, directory: "/")
        #expect(result.status == 0 && result.output.isEmpty)
    }

    @Test func aChildThatStopsReadingDoesNotKillTheParent() throws {
        let input = [UInt8](repeating: 0x41, count: 1 << 20)
        let result = try ChildProcess.run(
            "head", arguments: [Array("-c1".utf8)], environment: environment, directory: "/", input: input)
        #expect(result.status == 0)
        #expect(result.output == [0x41])
    }

    /// A conversation: each answer is read before the next question is written, and
    /// a last line without LF still comes out.
    @Test func anInteractiveChildAnswersLineByLine() throws {
        let child = try ChildProcess(
            "sed", arguments: [Array("-u".utf8), Array("s/^/> /".utf8)], environment: environment, directory: "/",
            standardInput: .interactive)
        for question in ["one", "", "three"] {
            try child.send(Array("\(question)\n".utf8))
            #expect(child.readLine() == Array("> \(question)".utf8))
        }
        try child.send(Array("tail".utf8))
        child.finishInput()
        #expect(child.readLine() == Array("> tail".utf8))
        #expect(child.readLine() == nil)
        #expect(child.wait().status == 0)
    }

    @Test func sendingToAChildThatExitedIsAnError() throws {
        let child = try ChildProcess(
            "true", arguments: [], environment: environment, directory: "/", standardInput: .interactive)
        #expect(child.readLine() == nil)
        #expect(throws: GitError.self) {
            for _ in 0..<64 { try child.send([UInt8](repeating: 0x41, count: 65_536)) }
        }
        #expect(child.wait().status == 0)
    }

    @Test func exitStatusAndSignalsAreReportedAsAShellDoes() throws {
        let failed = try ChildProcess.run(
            "sh", arguments: [Array("-c".utf8), Array("exit 3".utf8)], environment: environment, directory: "/")
        #expect(failed.status == 3)
        let child = try ChildProcess(
            "sleep", arguments: [Array("30".utf8)], environment: environment, directory: "/")
        kill(child.identifier, SIGKILL)
        #expect(child.wait().status == 128 + SIGKILL)
    }

    @Test func aProgramThatCannotBeFoundIsAnError() {
        #expect(throws: GitError.self) {
            try ChildProcess.run("no-such-program-here", arguments: [], environment: environment, directory: "/")
        }
        #expect(throws: GitError.self) {
            try ChildProcess.run("true", arguments: [], environment: environment, directory: "/no/such/directory")
        }
    }
}

extension ChildProcessTests {
    /// This process ignores SIGPIPE while it feeds a child's input; the child must not
    /// inherit that (`yes | head` would never end).
    @Test func theChildGetsDefaultSignalDispositions() throws {
        signal(SIGPIPE, SIG_IGN)
        let result = try ChildProcess.run(
            "sh", arguments: [Array("-c".utf8), Array("grep SigIgn /proc/self/status".utf8)],
            environment: environment, directory: "/")
        let mask = String(decoding: result.output, as: UTF8.self).split(separator: "\t").last.map {
            UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
        }
        #expect(mask != nil)
        #expect((mask!! >> (UInt64(SIGPIPE) - 1)) & 1 == 0, "SIGPIPE ignored in the child: \(result)")
    }
}
