import CanaryCore
import Curl
import Foundation

/// Where a run's results go besides the exit code: the report (stdout or `--output`),
/// `--textfile` and `--push`. Each failure is one line on stderr; the others are still written.
struct ReportOutputs {
    let options: ProbeOptions
    let client: CurlClient

    /// Writes the report; returns false when `--output` could not be written.
    func writeReport(_ text: String) -> Bool {
        guard let output = options.output else {
            Terminal.write(text)
            return true
        }
        return write(text, to: output, flag: "--output")
    }

    /// Writes the Prometheus text to `--textfile` and pushes it to `--push`; returns false
    /// when either failed.
    func writeMetrics(_ text: String) async -> Bool {
        var ok = true
        if let textfile = options.textfile {
            ok = write(text, to: textfile, flag: "--textfile") && ok
        }
        if let push = options.push {
            do {
                let gateway = Pushgateway(baseURL: push, extraGrouping: try options.pushGrouping())
                try await gateway.push(text, using: client)
            } catch {
                Terminal.error("canary: --push: \(error)")
                ok = false
            }
        }
        return ok
    }

    private func write(_ text: String, to path: String, flag: String) -> Bool {
        do {
            try AtomicFile.write(text, to: path)
            return true
        } catch {
            Terminal.error("canary: \(flag): \(error)")
            return false
        }
    }
}
