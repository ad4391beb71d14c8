import CanaryCore

extension OutputOptions {
    /// The files and Pushgateway of these flags; each failure is one line on stderr.
    /// `deadline` (from process start) bounds the pushes.
    func files(engine: Engine, deadline: Duration?) -> OutputFiles {
        var files = OutputFiles(engine: engine) { Terminal.error("canary: \($0)") }
        files.output = output
        files.junit = junit
        files.textfile = textfile
        if let push { files.push = (push, (try? pushGrouping()) ?? []) }
        files.deadline = deadline.map { Main.launched + $0 }
        return files
    }

    /// Writes the report (to `--output`, or else stdout, in pieces) and the JUnit file;
    /// false when either could not be written.
    func writeReport(_ report: RunReport, defaultFormat: ReportFormat, files: OutputFiles) -> Bool {
        if output == nil {
            var buffer = ""
            render(report, defaultFormat: defaultFormat) { piece in
                buffer += piece
                if buffer.utf8.count >= 64 << 10 {
                    Terminal.write(buffer)
                    buffer = ""
                }
            }
            Terminal.write(buffer)
        }
        return writeFiles(report, defaultFormat: defaultFormat, files: files)
    }

    /// Writes only the report's files, `--output` and `--junit`, never stdout: `watch`
    /// rewrites them as results arrive while stdout gets a line per result.
    func writeFiles(_ report: RunReport, defaultFormat: ReportFormat, files: OutputFiles) -> Bool {
        files.writeFiles(report) { report in
            var text = ""
            render(report, defaultFormat: defaultFormat) { text += $0 }
            return text
        }
    }
}
