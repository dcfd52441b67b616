import Foundation
import Git
import Policy

/// Sends a check's violations where the policy says (spec/policy.md §8): its command,
/// run with the JSON result on standard input, and its webhook, which receives the same
/// JSON as a POST (through curl, as git's own http transport does).
package enum CheckAlerts {
    /// One line per alert that failed; empty when every alert went out.
    package static func send(_ result: CheckResult, alerts: Alerts, repository: Repository) -> [String] {
        let payload = result.json.canonicalBytes + [0x0A]
        let environment = ProcessInfo.processInfo.environment
        var failures = [String]()
        if let command = alerts.command {
            if let failure = run(
                command, payload: payload, repository: repository, environment: environment, timeout: alerts.timeout)
            {
                failures.append("alert command \(command): \(failure)")
            }
        }
        if let webhook = alerts.webhook {
            do {
                let posted = try ChildProcess.run(
                    "curl",
                    arguments: [
                        "-q", "--silent", "--show-error", "--fail", "--max-time", "\(alerts.timeout)", "--header",
                        "Content-Type: application/json", "--data-binary", "@-", "--output", "/dev/null", "--url",
                        webhook,
                    ].map { Array($0.utf8) }, environment: environment, directory: repository.gitDirectory,
                    input: payload, timeout: alerts.timeout + 5)
                if posted.status != 0 {
                    failures.append(
                        "alert webhook \(origin(of: webhook)): \(firstLine(posted.errors, else: posted.status))")
                }
            } catch {
                failures.append("alert webhook \(origin(of: webhook)): \(error)")
            }
        }
        return failures
    }

    private static func run(
        _ command: String, payload: [UInt8], repository: Repository, environment: [String: String], timeout: Int
    ) -> String? {
        let top = repository.workingDirectory ?? repository.gitDirectory
        let path = command.hasPrefix("/") ? command : URL(fileURLWithPath: top).appendingPathComponent(command).path
        do {
            let ran = try ChildProcess.run(
                path, arguments: [], environment: environment, directory: top, input: payload, timeout: timeout)
            return ran.status == 0 ? nil : firstLine(ran.errors, else: ran.status)
        } catch {
            return "\(error)"
        }
    }

    /// `exit status 3`, or the first line the program wrote on stderr.
    private static func firstLine(_ errors: [UInt8], else status: Int32) -> String {
        let line = String(decoding: errors, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
        return "exit status \(status)" + (line.map { ": \($0)" } ?? "")
    }

    /// `https://chat.example.com`: a webhook's path often holds its secret token, which
    /// no message repeats.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "(webhook)" }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }.split(separator: "@").last ?? ""
        return String(url[..<schemeEnd.upperBound]) + String(host)
    }
}
