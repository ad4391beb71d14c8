import CanaryTestSupport
import Curl
import Foundation
import Testing

@testable import CanaryCore

@Suite("Prometheus text")
struct PrometheusReportTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// One 504 probe (intermittent over 2 attempts) and one TLS probe that passed.
    static let report: RunReport = {
        let gateway = AttemptResult(
            probeClass: .gatewayTimeout, severity: .critical, message: "HTTP 504 Gateway Timeout", startedAt: start,
            httpStatus: 504, httpVersion: "1.1", remoteIP: "10.0.0.1", bodyBytes: 160, contentLength: 160,
            timings: PhaseTimings(resolve: 0.001, connect: 0.002, tls: 0, processing: 0.5, transfer: 0.25, total: 0.753)
        )
        var passed = gateway
        passed.probeClass = .ok
        passed.severity = .ok
        passed.httpStatus = 200
        passed.message = "HTTP 200 in 753ms"
        let tls = AttemptResult(
            probeClass: .ok, severity: .ok, message: "HTTP 200", startedAt: start, httpStatus: 200, httpVersion: "2",
            redirects: 1, bodyBytes: 2048, certificateExpiry: Date(timeIntervalSince1970: 1_790_000_000),
            timings: PhaseTimings(
                resolve: 0.004, connect: 0.01, tls: 0.03, processing: 0.1, transfer: 0.006, total: 0.15))
        let results = [
            ProbeResult(
                probe: "mysignins", file: "p.yaml", url: "https://x/", labels: ["service": "entra \"id\"\n"],
                probeClass: .gatewayTimeout, severity: .warning, intermittent: true, alerting: true,
                message: "HTTP 504 Gateway Timeout on 1/2 attempts; 1 passed (intermittent)",
                startedAt: start, duration: 1.5, attempts: [passed, gateway]),
            ProbeResult(
                probe: "login", file: "p.yaml", url: "https://y/", labels: ["location": "eu-west"], probeClass: .ok,
                severity: .ok, intermittent: false, alerting: false, message: "HTTP 200 in 150ms on 1/1 attempts",
                startedAt: start, duration: 0.15,
                attempts: [tls]),
        ]
        return RunReport(results: results, startedAt: start, duration: 1.6)
    }()

    /// Sample lines by family name, in order.
    static func linesByFamily(_ text: String) -> [String: [String]] {
        var lines: [String: [String]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            lines[String(line.prefix { $0 != "{" && $0 != " " }), default: []].append(String(line))
        }
        return lines
    }

    @Test("150 probes (pieces of 64, some journeys): each family once, its lines those of each probe alone, in order")
    func manyProbes() {
        let results = (0..<150).map { index in
            var result = Self.report.results[index % 2]
            result.probe = "p\(index)"
            result.labels = ["service": "s\(index)"]
            if index % 7 == 0 {
                var attempt = result.attempts[0]
                attempt.step = "login"
                attempt.steps = [attempt, attempt]
                result.attempts = [attempt]
            }
            return result
        }
        let run = PrometheusReport.Run(timestamp: Self.start, duration: 1)
        let text = PrometheusReport.render(RunReport(results: results, startedAt: Self.start, duration: 1), run: run)
        var expected: [String: [String]] = [:]
        for result in results {
            let report = RunReport(results: [result], startedAt: Self.start, duration: 1)
            let alone = PrometheusReport.render(report, run: run)
            for (family, lines) in Self.linesByFamily(alone)
            where ["probe_", "canary_probe_", "canary_step_"].contains(where: family.hasPrefix) {
                expected[family, default: []] += lines
            }
        }
        let whole = Self.linesByFamily(text)
        for (family, lines) in expected {
            let written = whole[family] ?? []
            let first = zip(written, lines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(written.count == lines.count && first == nil, "\(family): line \(first ?? -1) of \(lines.count)")
        }
        #expect(expected["canary_step_success"]?.count == 2 * 22)
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
        #expect(Set(expected.keys).isSubset(of: Set(types.map { String($0.split(separator: " ")[2]) })))
    }

    @Test("the whole text of a fixed report")
    func literal() {
        let text = PrometheusReport.render(
            Self.report, run: .init(labels: ["location": "eu-west"], timestamp: Self.start, duration: 1.6))
        let probeFamilies = text.components(separatedBy: "# HELP canary_run_timestamp_seconds")[0]
        let expectedHead = #"""
            # HELP probe_success 1 if the probe's run was OK, else 0.
            # TYPE probe_success gauge
            probe_success{probe="mysignins",location="",service="entra \"id\"\n"} 0
            probe_success{probe="login",location="eu-west",service=""} 1
            # HELP probe_duration_seconds Total time of the run's last attempt.
            # TYPE probe_duration_seconds gauge
            probe_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n"} 0.753
            probe_duration_seconds{probe="login",location="eu-west",service=""} 0.15
            # HELP probe_http_status_code HTTP status of the last attempt's response, 0 if none.
            # TYPE probe_http_status_code gauge
            probe_http_status_code{probe="mysignins",location="",service="entra \"id\"\n"} 504
            probe_http_status_code{probe="login",location="eu-west",service=""} 200
            # HELP probe_http_duration_seconds Duration of each phase of the last attempt.
            # TYPE probe_http_duration_seconds gauge
            probe_http_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n",phase="resolve"} 0.001
            probe_http_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n",phase="connect"} 0.002
            probe_http_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n",phase="tls"} 0
            probe_http_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n",phase="processing"} 0.5
            probe_http_duration_seconds{probe="mysignins",location="",service="entra \"id\"\n",phase="transfer"} 0.25
            probe_http_duration_seconds{probe="login",location="eu-west",service="",phase="resolve"} 0.004
            probe_http_duration_seconds{probe="login",location="eu-west",service="",phase="connect"} 0.01
            probe_http_duration_seconds{probe="login",location="eu-west",service="",phase="tls"} 0.03
            probe_http_duration_seconds{probe="login",location="eu-west",service="",phase="processing"} 0.1
            probe_http_duration_seconds{probe="login",location="eu-west",service="",phase="transfer"} 0.006
            # HELP probe_http_content_length Announced Content-Length of the last response, -1 if unknown.
            # TYPE probe_http_content_length gauge
            probe_http_content_length{probe="mysignins",location="",service="entra \"id\"\n"} 160
            probe_http_content_length{probe="login",location="eu-west",service=""} -1
            # HELP probe_http_uncompressed_body_length Decoded body bytes of the last response.
            # TYPE probe_http_uncompressed_body_length gauge
            probe_http_uncompressed_body_length{probe="mysignins",location="",service="entra \"id\"\n"} 160
            probe_http_uncompressed_body_length{probe="login",location="eu-west",service=""} 2048
            # HELP probe_http_redirects Redirects the last attempt followed.
            # TYPE probe_http_redirects gauge
            probe_http_redirects{probe="mysignins",location="",service="entra \"id\"\n"} 0
            probe_http_redirects{probe="login",location="eu-west",service=""} 1
            # HELP probe_http_ssl 1 if the last attempt's final request used TLS.
            # TYPE probe_http_ssl gauge
            probe_http_ssl{probe="mysignins",location="",service="entra \"id\"\n"} 0
            probe_http_ssl{probe="login",location="eu-west",service=""} 1
            # HELP probe_http_version HTTP version of the last response, 0 if none.
            # TYPE probe_http_version gauge
            probe_http_version{probe="mysignins",location="",service="entra \"id\"\n"} 1.1
            probe_http_version{probe="login",location="eu-west",service=""} 2
            # HELP probe_ssl_earliest_cert_expiry Earliest expiry of the peer's certificate chain, Unix time.
            # TYPE probe_ssl_earliest_cert_expiry gauge
            probe_ssl_earliest_cert_expiry{probe="login",location="eu-west",service=""} 1790000000
            # HELP probe_dns_lookup_time_seconds Name resolution time of the last attempt.
            # TYPE probe_dns_lookup_time_seconds gauge
            probe_dns_lookup_time_seconds{probe="mysignins",location="",service="entra \"id\"\n"} 0.001
            probe_dns_lookup_time_seconds{probe="login",location="eu-west",service=""} 0.004
            # HELP canary_probe_severity Severity of the probe's run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
            # TYPE canary_probe_severity gauge
            canary_probe_severity{probe="mysignins",location="",service="entra \"id\"\n"} 1
            canary_probe_severity{probe="login",location="eu-west",service=""} 0
            # HELP canary_probe_result 1 for the run's class, 0 for every other class.
            # TYPE canary_probe_result gauge

            """#
        #expect(probeFamilies.hasPrefix(expectedHead))
        let expectedTail = #"""
            # HELP canary_probe_intermittent 1 if some attempts of the run failed and some passed.
            # TYPE canary_probe_intermittent gauge
            canary_probe_intermittent{probe="mysignins",location="",service="entra \"id\"\n"} 1
            canary_probe_intermittent{probe="login",location="eu-west",service=""} 0
            # HELP canary_probe_alerting 1 if the probe is alerting (after run state, when kept).
            # TYPE canary_probe_alerting gauge
            canary_probe_alerting{probe="mysignins",location="",service="entra \"id\"\n"} 1
            canary_probe_alerting{probe="login",location="eu-west",service=""} 0
            # HELP canary_probe_consecutive_failures Failing runs in a row, this one included.
            # TYPE canary_probe_consecutive_failures gauge
            canary_probe_consecutive_failures{probe="mysignins",location="",service="entra \"id\"\n"} 1
            canary_probe_consecutive_failures{probe="login",location="eu-west",service=""} 0
            # HELP canary_probe_failure_ratio Failing share of the runs in the probe's alert window.
            # TYPE canary_probe_failure_ratio gauge
            canary_probe_failure_ratio{probe="mysignins",location="",service="entra \"id\"\n"} 1
            canary_probe_failure_ratio{probe="login",location="eu-west",service=""} 0
            # HELP canary_probe_last_success_timestamp_seconds When the probe last passed, Unix time; 0 if unknown.
            # TYPE canary_probe_last_success_timestamp_seconds gauge
            canary_probe_last_success_timestamp_seconds{probe="mysignins",location="",service="entra \"id\"\n"} 0
            canary_probe_last_success_timestamp_seconds{probe="login",location="eu-west",service=""} 1780000000
            # HELP canary_probe_failing_since_timestamp_seconds When the current failing streak began, Unix time; 0 when passing.
            # TYPE canary_probe_failing_since_timestamp_seconds gauge
            canary_probe_failing_since_timestamp_seconds{probe="mysignins",location="",service="entra \"id\"\n"} 1780000000
            canary_probe_failing_since_timestamp_seconds{probe="login",location="eu-west",service=""} 0
            # HELP canary_run_timestamp_seconds When this run of canary started, as a Unix timestamp.
            # TYPE canary_run_timestamp_seconds gauge
            canary_run_timestamp_seconds{location="eu-west"} 1780000000
            # HELP canary_run_duration_seconds How long this run of canary took.
            # TYPE canary_run_duration_seconds gauge
            canary_run_duration_seconds{location="eu-west"} 1.6
            # HELP canary_config_load_success 1 if the probe files loaded, 0 if they are invalid (nothing probed).
            # TYPE canary_config_load_success gauge
            canary_config_load_success{location="eu-west"} 1
            # HELP canary_build_info canary's version and the libcurl it runs on; always 1.
            # TYPE canary_build_info gauge
            canary_build_info{location="eu-west",version="\#(CanaryVersion.current)",libcurl="\#(CurlVersion.libcurl)"} 1

            """#
        #expect(text.hasSuffix(expectedTail))
    }

    @Test("the whole text for a one-probe report")
    func wholeLiteral() throws {
        var report = Self.report
        report.results.removeFirst()
        let text = PrometheusReport.render(report, run: .init(timestamp: Self.start, duration: 0.2))
        let expected = try String(contentsOfFile: Fixtures.path("prometheus/one-probe.prom"), encoding: .utf8)
            .replacingOccurrences(of: "VERSION", with: CanaryVersion.current)
            .replacingOccurrences(of: "LIBCURL", with: CurlVersion.libcurl)
        #expect(text == expected)
    }

    @Test("every class is listed for every probe, 0 where not seen, so series never vanish")
    func everyClass() {
        let text = PrometheusReport.render(Self.report, run: .init(timestamp: Self.start, duration: 1))
        let results = text.split(separator: "\n").filter { $0.hasPrefix("canary_probe_result{") }
        #expect(results.count == 2 * ProbeClass.allCases.count)
        #expect(results.filter { $0.hasSuffix(" 1") }.count == 2)
        #expect(results.contains { $0.contains("probe=\"mysignins\"") && $0.contains("class=\"gateway_timeout\"} 1") })
        let attempts = text.split(separator: "\n").filter { $0.hasPrefix("canary_probe_attempts{probe=\"mysignins\"") }
        #expect(attempts.count == ProbeClass.allCases.count)
        #expect(attempts.contains { $0.contains("class=\"ok\"} 1") })
        #expect(attempts.contains { $0.contains("class=\"gateway_timeout\"} 1") })
    }

    @Test("invalid probe files: only the run's families, with canary_config_load_success 0")
    func loadFailure() {
        let text = PrometheusReport.renderLoadFailure(run: .init(timestamp: Self.start, duration: 0.01))
        #expect(text.contains("canary_config_load_success 0\n"))
        #expect(text.contains("canary_run_timestamp_seconds 1780000000\n"))
        #expect(text.contains("canary_build_info{version="))
        #expect(!text.contains("probe_success"))
    }

    @Test("the Pushgateway URL groups by job and instance, base64 for awkward values")
    func pushURL() {
        let gateway = Pushgateway(
            baseURL: "http://127.0.0.1:9091/", instance: "host-1",
            extraGrouping: [("location", "eu-west"), ("path", "a/b"), ("empty", "")])
        #expect(
            gateway.url
                == "http://127.0.0.1:9091/metrics/job/canary/instance/host-1/location/eu-west/path@base64/YS9i/empty@base64/="
        )
    }
}

@Suite("Atomic files")
struct AtomicFileTests {
    @Test("a failure just before the rename leaves the old file intact and no temporary file")
    func failedRename() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = "\(folder)/canary.prom"
        try AtomicFile.write("old\n", to: path)
        struct Injected: Error {}
        #expect(throws: AtomicFile.Failure.self) {
            try AtomicFile.write("new\n", to: path, beforeRename: { throw Injected() })
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["canary.prom"])
    }

    @Test("a temporary file abandoned by a killed writer is removed by the next write")
    func abandonedTemporary() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = "\(folder)/canary.prom"
        // PID 2^22+1 is above Linux's pid_max default, so no live process has it.
        let abandoned = "\(folder)/.canary.prom.tmp-4194305-17"
        try "torn".write(toFile: abandoned, atomically: false, encoding: .utf8)
        try AtomicFile.write("whole\n", to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["canary.prom"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "whole\n")
    }

    @Test("an unwritable place fails with the path and the reason")
    func unwritable() {
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write("x", to: "/nonexistent/folder/file") }
    }
}
