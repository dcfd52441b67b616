import ArgumentParser
import Capture

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show capture's pending work: AI lines not yet committed, edits in progress, commits not recorded."
    )

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let status = try CaptureStatus.gather(repository: try openRepository())
        if json {
            print(status.json.canonicalString)
        } else {
            for line in status.textLines { print(line) }
        }
    }
}
