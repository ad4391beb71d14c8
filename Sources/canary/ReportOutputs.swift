import CanaryCore
import Foundation
import Synchronization

/// Where a run's results go besides the exit code: the report (stdout or `--output`),
/// `--junit`, `--textfile` and `--push`. Each failure is one line on stderr; the others
/// are still written.
struct ReportOutputs {
    let options: OutputOptions
    let engine: Engine
    /// `--deadline`: a push never runs past it (counted from process start).
    var deadline: Duration? = nil

    /// The push's bound: 10 s, and never past the deadline (though at least 200 ms, so
    /// that a run already at its deadline still tries).
    private var pushTimeout: Duration {
        guard let deadline else { return .seconds(10) }
        let left = Main.launched + deadline - ContinuousClock.now
        return min(.seconds(10), max(left, .milliseconds(200)))
    }

    /// Writes the report (to `--output`, or else stdout) and the JUnit file; returns false
    /// when either could not be written.
    func writeReport(_ report: RunReport, defaultFormat: ReportFormat) -> Bool {
        if options.output == nil {
            var buffer = ""
            options.render(report, defaultFormat: defaultFormat) { piece in
                buffer += piece
                if buffer.utf8.count >= 64 << 10 {
                    Terminal.write(buffer)
                    buffer = ""
                }
            }
            Terminal.write(buffer)
        }
        return writeFiles(report, defaultFormat: defaultFormat)
    }

    /// Writes only the report's files, `--output` and `--junit`, never stdout: `watch`
    /// rewrites them as results arrive while stdout gets a line per result. Returns false
    /// when either could not be written.
    func writeFiles(_ report: RunReport, defaultFormat: ReportFormat) -> Bool {
        var ok = true
        if let output = options.output {
            var text = ""
            options.render(report, defaultFormat: defaultFormat) { text += $0 }
            ok = write(text, to: output, flag: "--output")
        }
        if let junit = options.junit {
            ok = write(JUnitReport.render(report), to: junit, flag: "--junit") && ok
        }
        return ok
    }

    /// Writes the Prometheus text to `--textfile` and pushes it to `--push`; returns false
    /// when either failed.
    func writeMetrics(_ text: String) async -> Bool {
        let written = writeTextfile(text)
        return await push(text) && written
    }

    /// Writes the Prometheus text to `--textfile`, if given; false when it failed.
    func writeTextfile(_ text: String) -> Bool {
        guard let textfile = options.textfile else { return true }
        return write(text, to: textfile, flag: "--textfile")
    }

    /// Pushes the Prometheus text to `--push`, if given; false when it failed.
    func push(_ text: String) async -> Bool {
        guard let push = options.push else { return true }
        do {
            let gateway = Pushgateway(baseURL: push, extraGrouping: try options.pushGrouping(), timeout: pushTimeout)
            try await gateway.push(text, using: engine)
            return true
        } catch {
            Terminal.error("canary: --push: \(error)")
            return false
        }
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

/// The exit code after the outputs: an output that could not be written makes it
/// UNKNOWN, unless the probes already made it CRITICAL.
func finalExitCode(_ report: RunReport, failOn: Severity, outputsFailed: Bool) -> Int32 {
    let code = report.exitCode(failOn: failOn)
    return outputsFailed && code != Severity.critical.exitCode ? Severity.unknown.exitCode : code
}
