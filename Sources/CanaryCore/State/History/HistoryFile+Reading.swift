import Foundation
import SQLite

extension HistoryFile {
    /// The probes the history knows, by name, in name order; `only` keeps those named.
    func probes(_ database: Database, only: [String]) throws -> [(id: Int64, name: String)] {
        let statement = try database.prepare("SELECT id, name FROM probes ORDER BY name")
        var found: [(Int64, String)] = []
        while try statement.step() {
            let name = statement.text(1) ?? ""
            if only.isEmpty || only.contains(name) { found.append((statement.integer(0), name)) }
        }
        return found
    }

    private static let columns = """
        time_ms, severity, alerting, latency_us, interval_ms, class, step, message, request_ids, remote_ip,
        vendor_status, vendor_since_ms, vendor_lag_ms, vendor_incident
        """

    /// Hands `probe`'s runs in [`from`, `until`) to `body`, oldest first.
    func scan(
        _ database: Database, probe: Int64, from: Date, until: Date, _ body: (HistoryRow) -> Void
    ) throws {
        let statement = try database.prepare(
            "SELECT \(Self.columns) FROM runs WHERE probe = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms")
        try statement.bind(1, probe)
        try statement.bind(2, Self.milliseconds(from))
        try statement.bind(3, Self.milliseconds(until))
        while try statement.step() { body(Self.row(statement)) }
    }

    /// `probe`'s runs just before `time`, oldest first: back to where an alert in progress
    /// at `time` began, and the alert window's worth of runs before that (at most 100,000).
    func runs(_ database: Database, probe: Int64, before time: Date) throws -> [HistoryRow] {
        let statement = try database.prepare(
            "SELECT \(Self.columns) FROM runs WHERE probe = ? AND time_ms < ? ORDER BY time_ms DESC")
        try statement.bind(1, probe)
        try statement.bind(2, Self.milliseconds(time))
        var rows: [HistoryRow] = []
        var calm = 0
        while rows.count < 100_000, calm < ProbeAnalysis.lookBack, try statement.step() {
            let row = Self.row(statement)
            if !row.alerting || calm > 0 { calm += 1 }
            rows.append(row)
        }
        return rows.reversed()
    }

    private static func row(_ statement: Statement) -> HistoryRow {
        let severity = Self.severities[Int(clamping: statement.integer(1)) & 3]
        let alerting = statement.integer(2) != 0
        var row = HistoryRow(
            time: Double(statement.integer(0)) / 1000, severity: severity, alerting: alerting,
            latency: statement.optionalInteger(3).map { Double($0) / 1_000_000 },
            interval: Double(statement.integer(4)) / 1000)
        if severity != .ok || alerting || !statement.isNull(10) {
            row.detail = HistoryRow.Detail(
                probeClass: statement.text(5) ?? "unknown", step: statement.text(6), message: statement.text(7),
                requestIDs: statement.text(8), remoteIP: statement.text(9),
                vendorStatus: statement.text(10).flatMap(VendorStatus.init(rawValue:)),
                vendorSince: statement.optionalInteger(11).map { Double($0) / 1000 },
                vendorLag: statement.optionalInteger(12).map { Double($0) / 1000 },
                vendorIncident: statement.text(13))
        }
        return row
    }

    /// Severities by their stored exit code.
    private static let severities: [Severity] = [.ok, .warning, .critical, .unknown]
}

extension HistoryFile {
    /// The report over [`from`, `until`) of the probes named in `only` (all when empty).
    /// - Parameters:
    ///   - from: The window's start.
    ///   - until: The window's end, not included.
    ///   - only: The probes to report; all when empty.
    ///   - slo: The objective in percent, for the months' budgets.
    ///   - slices: How many slices each probe's timeline is cut into.
    /// - Returns: The report, probes in name order.
    /// - Throws: ``HistoryError``; a name in `only` the history does not know is one.
    public func report(
        from: Date, until: Date, only: [String] = [], slo: Double, slices: Int = 240
    ) throws(HistoryError) -> HistoryReport {
        let (opened, warning) = try openForReading()
        var report = HistoryReport(from: from, until: until, slo: slo, probes: [])
        report.warnings = warning.map { [$0] } ?? []
        guard let database = opened else {
            if let name = only.first { throw .unknownProbe(name, known: []) }
            return report
        }
        do {
            let probes = try self.probes(database, only: only)
            if let missing = only.first(where: { name in !probes.contains { $0.name == name } }) {
                let known = try self.probes(database, only: []).map(\.name)
                throw HistoryError.unknownProbe(missing, known: known)
            }
            for probe in probes {
                var analysis = ProbeAnalysis(
                    name: probe.name, from: from, until: until, slo: slo, slices: slices,
                    before: try runs(database, probe: probe.id, before: from))
                try scan(database, probe: probe.id, from: from, until: until) { analysis.add($0) }
                report.probes.append(analysis.finish())
            }
            return report
        } catch let error as HistoryError {
            throw error
        } catch {
            throw .database(error as? SQLiteError ?? SQLiteError(code: 1, message: "\(error)"))
        }
    }
}
