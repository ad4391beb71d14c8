import CanaryTestSupport
import Foundation
import SQLite
import Testing

@testable import CanaryCore

/// A scripted history, written through canary's own writer with fixed times, and the
/// figures the report must give of it exactly.
@Suite("History and report")
struct HistoryReportTests {
    /// 2026-10-01T00:00:00Z.
    static let t0 = Date(timeIntervalSince1970: 1_790_812_800)

    static func minute(_ m: Double) -> Date { t0.addingTimeInterval(m * 60) }

    /// "portal", every minute for 100 minutes: 504s in minutes 20-29 (alerting from 22,
    /// through the recovery's two passing runs to 31), the vendor admitting it at 25,
    /// and canary not running in minutes 60-69.
    static func scripted() -> [HistoryRecord] {
        var records: [HistoryRecord] = []
        for m in 0..<100 where !(60..<70).contains(m) {
            let failing = (20..<30).contains(m)
            var record = HistoryRecord(
                time: minute(Double(m)), probe: "portal", probeClass: failing ? "gateway_timeout" : "ok",
                severity: failing ? .critical : .ok, alerting: (22..<32).contains(m), duration: 0.2,
                latency: failing ? 2.0 : 0.1, httpStatus: failing ? 504 : 200, attemptsFailed: failing ? 3 : 0,
                attemptsTotal: 3, interval: 60)
            if failing {
                record.step = "portal"
                record.message = m == 20 ? "HTTP 504 Gateway Timeout on 3/3 attempts" : "HTTP 504 at minute \(m)"
                record.requestIDs = "x-ms-request-id: id-\(m)"
                record.remoteIP = "10.0.0.\(m % 2 + 7)"
            }
            if m >= 25 && m < 32 {
                record.vendorStatus = .outage
                record.vendorSince = minute(25)
                record.vendorLag = 180
                record.vendorIncident = "MO1329260: Users can't access My Sign-Ins"
            }
            records.append(record)
        }
        return records
    }

    func history(_ records: [HistoryRecord], now: Date = t0.addingTimeInterval(86_400)) throws -> HistoryFile {
        let history = HistoryFile(path: try Fixtures.temporaryFolder() + "/history.db")
        try history.append(records, now: now)
        return history
    }

    @Test("availability by runs and by time, the gap as unknown, latency, classes")
    func figures() throws {
        let report = try history(Self.scripted()).report(
            from: Self.t0, until: Self.minute(100), slo: 99.9, slices: 100)
        let probe = try #require(report.probes.first)
        #expect(report.probes.count == 1)
        #expect(probe.runs == 90)
        #expect((probe.upRuns, probe.downRuns, probe.degradedRuns, probe.unknownRuns) == (80, 10, 0, 0))
        #expect(abs(try #require(probe.availabilityRuns) - 80.0 / 90 * 100) < 1e-9)
        // 59 runs x 60 s, the run before the gap covers 120 s (twice the spacing), 29 x 60 s
        // after it and the last run 60 s up to the end: 5,460 s known, 540 s unknown.
        #expect(probe.downSeconds == 600)
        #expect(probe.upSeconds == 4860)
        #expect(probe.unknownSeconds == 540)
        #expect(abs(try #require(probe.availabilityTime) - 4860.0 / 5460 * 100) < 1e-9)
        #expect(probe.latencyP50 == 0.1)
        #expect(probe.latencyP95 == 2.0)
        #expect(probe.classes == ["ok": 80, "gateway_timeout": 10])
        // The timeline: a slice a minute; 20-29 are gateway_timeout, 61-69 unknown.
        #expect(probe.timeline[20].worstClass == "gateway_timeout")
        #expect(probe.timeline[19].worstClass == "ok")
        #expect(probe.timeline[65].worstClass == nil)
        #expect(probe.timeline[22].alerting && !probe.timeline[21].alerting)
        #expect(probe.timeline[25].vendorStatus == "outage" && probe.timeline[24].vendorStatus == nil)
    }

    @Test("the incident: first failure, alert, vendor admission and lag, end, evidence")
    func incident() throws {
        let report = try history(Self.scripted()).report(from: Self.t0, until: Self.minute(100), slo: 99.9)
        let incidents = try #require(report.probes.first?.incidents)
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.start == Self.minute(20))
        #expect(incident.alerted == Self.minute(22))
        #expect(incident.vendorAdmitted == Self.minute(25))
        #expect(incident.vendorLagSeconds == 180)
        #expect(incident.vendorIncident == "MO1329260: Users can't access My Sign-Ins")
        #expect(incident.end == Self.minute(30))
        #expect(incident.cleared == Self.minute(32))
        #expect(incident.durationSeconds == 600)
        #expect(!incident.startedBeforeWindow)
        #expect((incident.runs, incident.failedRuns) == (12, 10))
        #expect(incident.classes == ["gateway_timeout"])
        #expect(incident.steps == ["portal"])
        #expect(incident.requestIDs.count == 10 && incident.requestIDs.first == "x-ms-request-id: id-20")
        #expect(incident.remoteIPs == ["10.0.0.7", "10.0.0.8"])
        #expect(incident.firstMessage == "HTTP 504 Gateway Timeout on 3/3 attempts")
        #expect(incident.lastMessage == "HTTP 504 at minute 29")
    }

    @Test("the month against the SLO: budget over known time, budget used, met or not")
    func month() throws {
        let report = try history(Self.scripted()).report(from: Self.t0, until: Self.minute(100), slo: 99.9)
        let month = try #require(report.probes.first?.months.first)
        #expect(report.probes.first?.months.count == 1)
        #expect(month.month == "2026-10")
        #expect((month.runs, month.downRuns) == (90, 10))
        #expect(abs(month.budgetSeconds - 5.46) < 1e-9)
        #expect(abs(try #require(month.budgetUsed) - 600 / 5.46 * 100) < 1e-6)
        #expect(month.sloMet == false)
        #expect(month.unknownSeconds == 540)
    }

    @Test("a window cut inside an incident: its true start and alert, and the run before it covers the window's start")
    func windowInsideIncident() throws {
        let report = try history(Self.scripted()).report(from: Self.minute(24.5), until: Self.minute(40), slo: 99)
        let probe = try #require(report.probes.first)
        let incident = try #require(probe.incidents.first)
        #expect(probe.incidents.count == 1)
        #expect(incident.startedBeforeWindow)
        #expect(incident.start == Self.minute(20))
        #expect(incident.alerted == Self.minute(22))
        #expect(incident.end == Self.minute(30))
        #expect((incident.runs, incident.failedRuns) == (12, 10))
        // An incident over before the window is not reported.
        #expect(
            try history(Self.scripted()).report(from: Self.minute(35), until: Self.minute(40), slo: 99)
                .probes.first?.incidents.isEmpty == true)
        // The run at 24 speaks for 24.5-25: 5.5 minutes down, 10 up, nothing unknown.
        #expect(probe.downSeconds == 330)
        #expect(probe.unknownSeconds == 0)
    }

    @Test("months split at the calendar boundary, in UTC")
    func monthBoundary() throws {
        let midnight = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z
        let records = (-10..<10).map { m in
            HistoryRecord(
                time: midnight.addingTimeInterval(Double(m) * 60), probe: "api", probeClass: m < 0 ? "ok" : "slow",
                severity: m < 0 ? .ok : .warning, latency: 0.3, interval: 60)
        }
        let report = try history(records, now: midnight).report(
            from: midnight.addingTimeInterval(-600), until: midnight.addingTimeInterval(600), slo: 99.9)
        let months = try #require(report.probes.first?.months)
        #expect(months.map(\.month) == ["2026-10", "2026-11"])
        #expect(months.map(\.runs) == [10, 10])
        #expect(months.map(\.availabilityTime) == [100, 100])
        #expect(report.probes.first?.degradedRuns == 10)
        #expect(months.map(\.sloMet) == [true, true])
    }

    @Test("an intermittent 504 counts as down, an intermittent slow as up, an UNKNOWN run as no run")
    func kinds() throws {
        let records = [
            HistoryRecord(
                time: Self.minute(0), probe: "p", probeClass: "gateway_timeout", severity: .warning, intermittent: true,
                attemptsFailed: 1, attemptsTotal: 3),
            HistoryRecord(
                time: Self.minute(1), probe: "p", probeClass: "slow", severity: .warning, intermittent: true,
                attemptsFailed: 1, attemptsTotal: 3),
            HistoryRecord(time: Self.minute(2), probe: "p", probeClass: "not_run", severity: .unknown),
            HistoryRecord(time: Self.minute(3), probe: "p", probeClass: "ok", severity: .ok),
        ]
        let probe = try #require(
            try history(records).report(from: Self.t0, until: Self.minute(4), slo: 99).probes.first)
        #expect((probe.upRuns, probe.downRuns, probe.degradedRuns, probe.unknownRuns) == (2, 1, 1, 1))
        #expect((probe.upSeconds, probe.downSeconds, probe.unknownSeconds) == (120, 60, 60))
        #expect(probe.degradedSeconds == 60)
        #expect(probe.availabilityRuns.map { ($0 * 1000).rounded() / 1000 } == 66.667)
    }

    @Test("an alert on the window's ratio starts at the first failure it counted, not at the alert")
    func ratioAlertStart() throws {
        // ok ok ok 504 ok 504 ok 504(alerting: 3 of the last 10) ok ...
        let pattern: [(Bool, Bool)] = [
            (false, false), (false, false), (false, false), (true, false), (false, false), (true, false),
            (false, false), (true, true), (false, true), (false, true), (false, false),
        ]
        let records = pattern.enumerated().map { m, run in
            HistoryRecord(
                time: Self.minute(Double(m)), probe: "p", probeClass: run.0 ? "gateway_timeout" : "ok",
                severity: run.0 ? .critical : .ok, alerting: run.1, message: run.0 ? "504 at \(m)" : nil)
        }
        let incident = try #require(
            try history(records).report(from: Self.t0, until: Self.minute(11), slo: 99).probes.first?.incidents.first)
        #expect(incident.start == Self.minute(3))
        #expect(incident.alerted == Self.minute(7))
        #expect(incident.firstMessage == "504 at 3")
        #expect((incident.runs, incident.failedRuns) == (7, 3))
        #expect(incident.end == Self.minute(8))
        #expect(incident.cleared == Self.minute(10))
    }

    @Test("a second alert soon after the first starts after the first's all-clear, never inside it")
    func backToBack() throws {
        // 504s at 0-3 (alerting 1-5), ok 4-5, cleared at 6; 504 at 6 and 8, alerting again at 9.
        let failing: Set<Int> = [0, 1, 2, 3, 6, 8, 9]
        let alerting: Set<Int> = [1, 2, 3, 4, 5, 9, 10]
        let records = (0..<12).map { m in
            HistoryRecord(
                time: Self.minute(Double(m)), probe: "p", probeClass: failing.contains(m) ? "gateway_timeout" : "ok",
                severity: failing.contains(m) ? .critical : .ok, alerting: alerting.contains(m))
        }
        let incidents = try #require(
            try history(records).report(from: Self.t0, until: Self.minute(12), slo: 99).probes.first?.incidents)
        // The failure at 6 came with the all-clear: the next alert's window counts it.
        #expect(incidents.map(\.start) == [Self.minute(0), Self.minute(6)])
        #expect(incidents.map(\.cleared) == [Self.minute(6), Self.minute(11)])
    }

    @Test("an incident still failing ends its duration where its last run stops speaking, not at the window's end")
    func incidentIntoUnknown() throws {
        let records = (0..<5).map { m in
            HistoryRecord(
                time: Self.minute(Double(m)), probe: "p", probeClass: m >= 2 ? "gateway_timeout" : "ok",
                severity: m >= 2 ? .critical : .ok, alerting: m >= 3, interval: 60)
        }
        let report = try history(records).report(from: Self.t0, until: Self.minute(60 * 24 * 10), slo: 99)
        let incident = try #require(report.probes.first?.incidents.first)
        #expect(incident.end == nil)
        #expect(incident.lastRun == Self.minute(4))
        // From minute 2 to minute 4 plus two spacings (what the last run speaks for).
        #expect(incident.durationSeconds == 240)
        #expect(HistoryText().render(report).contains("still failing at its last run, 2026-10-01 00:04:00 UTC, 4m;"))
    }

    @Test("one run after a long gap speaks for twice the usual spacing, not twice the gap")
    func longGap() throws {
        var records = (0..<17).map { m in
            HistoryRecord(time: Self.minute(Double(m)), probe: "p", probeClass: "ok", severity: .ok, interval: 60)
        }
        records.append(HistoryRecord(time: Self.minute(16 + 1440), probe: "p", probeClass: "ok", severity: .ok))
        let probe = try #require(
            try history(records).report(from: Self.t0, until: Self.minute(5000), slo: 99).probes.first)
        #expect(probe.upSeconds == 16 * 60 + 120 + 120)
    }

    @Test("JSON, text and CSV carry the same figures")
    func formats() throws {
        let report = try history(Self.scripted()).report(from: Self.t0, until: Self.minute(100), slo: 99.9)
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(HistoryJSON.render(report).utf8)) as? [String: Any])
        #expect(json["schema_version"] as? Int == 1)
        #expect(json["from"] as? String == "2026-10-01T00:00:00.000Z")
        let probe = try #require((json["probes"] as? [[String: Any]])?.first)
        #expect(probe["unknown_seconds"] as? Double == 540)
        let incident = try #require((probe["incidents"] as? [[String: Any]])?.first)
        #expect(incident["vendor_lag_seconds"] as? Double == 180)
        #expect(incident["start"] as? String == "2026-10-01T00:20:00.000Z")
        #expect((incident["request_ids"] as? [String])?.count == 10)
        #expect(incident["remote_ips"] as? [String] == ["10.0.0.7", "10.0.0.8"])

        let text = HistoryText().render(report)
        #expect(text.contains("portal  90    88.889%   89.011%   10m   9m       100ms  2s   ok 80, gateway_timeout 10"))
        #expect(
            text.contains(
                "portal: gateway_timeout from 2026-10-01 00:20:00 UTC until 2026-10-01 00:30:00 UTC, 10m; "
                    + "canary alerted at 2026-10-01 00:22:00 UTC (2m after the first failure). The vendor admitted it "
                    + "at 2026-10-01 00:25:00 UTC, 3m after canary (MO1329260: Users can't access My Sign-Ins). "
                    + "10 of 12 runs failed, at step portal."))
        #expect(text.contains("  request ids: x-ms-request-id: id-20, x-ms-request-id: id-21"))

        let csv = HistoryCSV.render(report).split(separator: "\r\n")
        #expect(csv.count == 2)
        #expect(csv[1] == "portal,2026-10,90,10,88.8889,89.011,600,540,99.9,no,5.46,10989,1")
        #expect(HistoryCSV.field("\t=1+1") == "\u{FFFD}=1+1")
        #expect(HistoryCSV.field("-2+3") == "'-2+3")
        #expect(HistoryCSV.field("esc\u{1B}[31mred") == "esc\u{FFFD}[31mred")
        #expect(HistoryCSV.field("a,\"b\"") == "\"a,\"\"b\"\"\"")
        #expect(HistoryText.objective(99.99999) == "99.99999%")
    }

    @Test("retention deletes exactly the rows older than it, as rows are appended")
    func retention() throws {
        let now = Self.t0
        let day = 86_400.0
        let history = HistoryFile(path: try Fixtures.temporaryFolder() + "/history.db")
        let ages = [500 * day, 400 * day + 1, 400 * day - 1, 399 * day, day]
        try history.append(
            ages.map { HistoryRecord(time: now.addingTimeInterval(-$0), probe: "a", probeClass: "ok", severity: .ok) },
            now: now.addingTimeInterval(-600 * day))
        let all = try history.report(from: now.addingTimeInterval(-600 * day), until: now, slo: 99.9)
        #expect(all.probes.first?.runs == 5)
        let pruned = try history.append(
            [HistoryRecord(time: now, probe: "b", probeClass: "ok", severity: .ok)], now: now)
        #expect(pruned == 2)
        let kept = try history.report(
            from: now.addingTimeInterval(-600 * day), until: now.addingTimeInterval(1), slo: 99.9)
        #expect(kept.probes.map(\.runs) == [3, 1])
    }

    @Test("a probe name the history lacks, a file that is not a history, a later schema: clear errors")
    func errors() throws {
        let history = try history(Self.scripted())
        #expect {
            try history.report(from: Self.t0, until: Self.minute(1), only: ["portl"], slo: 99.9)
        } throws: { "\($0)" == "no runs of a probe named 'portl'; it has portal" }
        let folder = try Fixtures.temporaryFolder()
        try "not a database at all, just some text long enough".write(
            toFile: folder + "/text.db", atomically: true, encoding: .utf8)
        #expect { try HistoryFile(path: folder + "/text.db").append([]) } throws: {
            "\($0)" == "file is not a database"
        }
        #expect {
            try HistoryFile(path: folder + "/none.db").report(from: Self.t0, until: Self.minute(1), slo: 99)
        } throws: { "\($0)" == "no such file" }
        // Another program's database is refused, and left as it was.
        try Database(path: folder + "/other.db", busyTimeout: .seconds(1)).execute("CREATE TABLE customers (id)")
        #expect { try HistoryFile(path: folder + "/other.db").append(Self.scripted()) } throws: {
            "\($0)" == "not a canary history: another program's SQLite database (left as it was)"
        }
        #expect(try Database(path: folder + "/other.db", busyTimeout: .seconds(1)).integer("PRAGMA user_version") == 0)
        // An empty file (a run that wrote nothing yet, or `touch`) is an empty history.
        _ = FileManager.default.createFile(atPath: folder + "/empty.db", contents: nil)
        let empty = try HistoryFile(path: folder + "/empty.db").report(from: Self.t0, until: Self.minute(1), slo: 99)
        #expect(empty.probes.isEmpty)
        try Database(path: history.path, busyTimeout: .seconds(1)).execute("PRAGMA user_version = 99")
        #expect { try history.append([]) } throws: {
            "\($0)" == "written by a later canary (schema 99; this one knows 1)"
        }
        #expect { try history.report(from: Self.t0, until: Self.minute(1), slo: 99) } throws: {
            "\($0)" == "written by a later canary (schema 99; this one knows 1)"
        }
    }
}
