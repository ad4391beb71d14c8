import CanaryTestSupport
import Foundation
import Testing

@testable import CanaryCore

/// Every report format of one fixed run, compared whole against a literal file, as the
/// Prometheus text is: any change to what a user reads shows up here.
/// `CANARY_UPDATE_FIXTURES=1 swift test --filter ReportFormats` rewrites the files after a
/// deliberate change.
@Suite("Report formats")
struct ReportFormatsTests {
    static func render(_ format: ReportFormat) -> String {
        var text = ""
        format.renderer(ReportStyle(verbose: true)).render(PrometheusReportTests.report) { text += $0 }
        return text
    }

    @Test("the whole text of each format for a fixed report", arguments: ReportFormat.allCases)
    func literal(_ format: ReportFormat) throws {
        let path = Fixtures.path("reports/report.\(format.rawValue)")
        let text = Self.render(format)
        if ProcessInfo.processInfo.environment["CANARY_UPDATE_FIXTURES"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected)
    }

    @Test("watch's line of each format for a fixed result", arguments: ReportFormat.allCases)
    func lines(_ format: ReportFormat) throws {
        let line = format.renderer().line(PrometheusReportTests.report.results[0])
        #expect(line.hasSuffix("\n"))
        #expect(line.contains("mysignins"))
        switch format {
        case .json: #expect(line.hasPrefix(#"{"probe":"mysignins","#))
        case .nagios: #expect(line.hasPrefix("CANARY WARNING - mysignins: gateway_timeout"))
        case .text, .junit: #expect(line.hasPrefix("2026-05-28T20:26:40Z mysignins gateway_timeout WARNING ALERTING: "))
        }
    }
}
