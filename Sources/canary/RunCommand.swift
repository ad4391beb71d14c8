import ArgumentParser
import CanaryCore
import Curl
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every probe in the given files or folders once and report.",
        discussion: """
            The exit code is the worst severity over the probes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. \
            An output that cannot be written (--output, --textfile, --push) makes it 3 unless it is already 2.
            """
    )

    @Argument(help: ArgumentHelp("Probe files, or folders of *.yaml probe files.", valueName: "path"))
    var paths: [String]

    @OptionGroup var options: ProbeOptions

    /// Time kept back from `--deadline` for rendering and writing the report.
    static let reportingReserve = Duration.milliseconds(50)

    func run() async throws {
        let startedAt = Date()
        let client = CurlClient()
        defer { client.shutdown() }
        let outputs = ReportOutputs(options: options, client: client)
        let probeSet: ProbeSet
        do {
            probeSet = try ProbeLoader().load(paths: paths)
        } catch {
            printProblems(error)
            let run = PrometheusReport.Run(
                labels: try options.labels(), timestamp: startedAt, duration: Date().timeIntervalSince(startedAt))
            _ = await outputs.writeMetrics(PrometheusReport.renderLoadFailure(run: run))
            throw ExitCode(Severity.unknown.exitCode)
        }
        let probes = try select(probeSet.probes)
        let progress = ProgressLine()
        var engineOptions = Engine.Options(
            concurrency: options.concurrency, deadline: options.deadline, labels: try options.labels())
        // The bound covers the whole process, less a little time to write the report.
        engineOptions.deadlineStart = Main.launched
        engineOptions.deadlineReserve = Self.reportingReserve
        let report = await Engine(client: client).run(
            probes, redactor: probeSet.redactor, options: engineOptions,
            progress: { progress.update(done: $0, total: $1, failing: $2) })
        progress.erase()
        var failed = !outputs.writeReport(render(report))
        let run = PrometheusReport.Run(labels: try options.labels(), timestamp: startedAt, duration: report.duration)
        failed = await !outputs.writeMetrics(PrometheusReport.render(report, run: run)) || failed
        if report.unrunProbes > 0, !options.quiet {
            Terminal.error("canary: --deadline reached: \(report.unrunProbes) of \(probes.count) probes not run")
        }
        let code = report.exitCode(failOn: options.failOn)
        throw ExitCode(failed && code != Severity.critical.exitCode ? Severity.unknown.exitCode : code)
    }

    private func select(_ probes: [ProbeSpec]) throws -> [ProbeSpec] {
        guard !options.only.isEmpty else { return probes }
        let known = Set(probes.map(\.name))
        if let missing = options.only.first(where: { !known.contains($0) }) {
            Terminal.error("canary: --only \(missing): no probe has that name")
            throw ExitCode(Severity.unknown.exitCode)
        }
        return probes.filter { options.only.contains($0.name) }
    }

    private func render(_ report: RunReport) -> String {
        switch options.format {
        case .json:
            return JSONReport.render(report)
        case .text:
            let colour = options.output == nil && Terminal.colourStdout
            return TextReport(colour: colour, verbose: options.verbose, quiet: options.quiet).render(report)
        }
    }
}

/// Prints every problem of the probe files on stderr, then a count.
func printProblems(_ error: ProbeLoadError) {
    for problem in error.errors { Terminal.error(problem.description) }
    let count = error.errors.count
    Terminal.error("canary: \(count) problem\(count == 1 ? "" : "s") in the probe files; nothing was probed")
}
