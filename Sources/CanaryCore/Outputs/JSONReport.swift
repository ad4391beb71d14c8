import Foundation

/// The JSON report (DESIGN.md section 8): one object per probe run, one per line.
public struct JSONReport: ReportRenderer {
    public init() {}

    /// A line per result, those not due (run state) following with their last result.
    public func render(_ report: RunReport, emit: (String) -> Void) {
        for result in report.results + report.notDue { emit(Self.line(result)) }
    }

    public func line(_ result: ProbeResult) -> String {
        Self.line(result)
    }

    /// Every probe's object, each on its own line, in load order.
    public static func render(_ report: RunReport) -> String {
        report.results.map { line($0) }.joined()
    }

    /// One probe's object and a newline.
    public static func line(_ result: ProbeResult) -> String {
        object(result).serialized() + "\n"
    }

    /// The fields of one probe run, in the documented order.
    public static func object(_ result: ProbeResult) -> JSONValue {
        .object(
            [
                ("probe", .string(result.probe)),
                ("file", .string(result.file)),
                ("url", .string(result.url)),
                ("class", .string(result.probeClass.rawValue)),
                ("severity", .string(result.severity.rawValue)),
                ("intermittent", .bool(result.intermittent)),
                ("alerting", .bool(result.alerting)),
                ("message", .string(result.message)),
                ("started_at", .string(timestamp(result.startedAt))),
                ("duration_seconds", .double(result.duration)),
                ("labels", .object(result.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("attempts", .array(result.attempts.map(object))),
            ] + (result.vendor.map { [("vendor", object($0))] } ?? []) + [("schema_version", .int(schemaVersion))])
    }

    /// The version of `docs/report.schema.json` the lines follow; raised only by a change
    /// that would break a reader (a field added is not one).
    public static let schemaVersion = 1

    /// DESIGN.md section 13's `vendor` object.
    static func object(_ vendor: VendorView) -> JSONValue {
        .object([
            ("name", .string(vendor.name)),
            ("component", .optional(vendor.component, JSONValue.string)),
            ("status", .string(vendor.status.rawValue)),
            ("since", .optional(vendor.since) { .string(timestamp($0)) }),
            (
                "incident",
                .optional(vendor.incident) { incident in
                    .object([
                        ("id", .string(incident.id)), ("title", .string(incident.title)),
                        ("vendor_start", .optional(incident.vendorStart, JSONValue.string)),
                    ])
                }
            ),
            ("lag_seconds", .optional(vendor.lagSeconds, JSONValue.double)),
            ("disagreement_seconds", .double(vendor.disagreementSeconds)),
            ("error", .optional(vendor.error, JSONValue.string)),
            ("class", .optional(vendor.pollClass) { .string($0.rawValue) }),
        ])
    }

    static func object(_ attempt: AttemptResult) -> JSONValue {
        let timings = attempt.timings
        // A journey's attempt names its deciding step and lists every step it ran.
        let journey: [(String, JSONValue)] =
            attempt.steps.map { [("step", .string(attempt.step ?? "")), ("steps", .array($0.map(object)))] } ?? []
        return .object(
            [
                ("class", .string(attempt.probeClass.rawValue)),
                ("severity", .string(attempt.severity.rawValue)),
                ("message", .string(attempt.message)),
                ("started_at", .string(timestamp(attempt.startedAt))),
                ("http_status", .optional(attempt.httpStatus, JSONValue.int)),
                ("http_version", .optional(attempt.httpVersion, JSONValue.string)),
                ("remote_ip", .optional(attempt.remoteIP, JSONValue.string)),
                ("redirects", .int(attempt.redirects)),
                ("body_bytes", .int(attempt.bodyBytes)),
                ("content_length", .optional(attempt.contentLength, JSONValue.int)),
                ("cert_expiry", .optional(attempt.certificateExpiry) { .string(timestamp($0)) }),
                (
                    "timings",
                    .object(timings.phases.map { ($0.name, .double($0.seconds)) } + [("total", .double(timings.total))])
                ),
                ("headers", .object(attempt.capturedHeaders.map { ($0.name, .string($0.value)) })),
                ("error", .optional(attempt.error, JSONValue.string)),
                ("body_excerpt", .string(attempt.bodyExcerpt)),
            ] + journey)
    }

    static func timestamp(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }
}
