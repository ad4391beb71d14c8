import Foundation

/// A probe run as an Application Insights availability result: the `AvailabilityData`
/// envelope that `POST {IngestionEndpoint}/v2.1/track` takes in a JSON array, which an
/// availability alert rule on the resource then watches.
public enum AvailabilityEnvelope {
    /// Whether a result is worth sending: it measured the portal (not a probe that was not
    /// due, nor one whose every attempt canary cut short).
    public static func measured(_ result: ProbeResult) -> Bool {
        result.probeClass != .notRun && (result.severity != .unknown || result.reportedAttempt != nil)
    }

    /// The envelope of `result`.
    /// - Parameters:
    ///   - result: The run.
    ///   - connection: Whose key it carries.
    ///   - host: Where canary runs: the run location unless the probe has a `location` label.
    ///   - id: The run's id, unique per envelope.
    /// - Returns: The envelope, ready to serialize into the batch.
    public static func envelope(
        _ result: ProbeResult, connection: AppInsightsConnection, host: String, id: String = UUID().uuidString
    ) -> JSONValue {
        let attempt = result.evidenceAttempt
        var properties: [(String, JSONValue)] = [
            ("probe", .string(result.probe)),
            ("class", .string(result.probeClass.rawValue)),
            ("severity", .string(result.severity.rawValue)),
            ("alerting", .string(result.alerting ? "true" : "false")),
            ("url", .string(cut(result.url))),
        ]
        if let step = result.failingStep { properties.append(("step", .string(step))) }
        if let status = attempt?.httpStatus { properties.append(("http_status", .string(String(status)))) }
        if let ip = attempt?.remoteIP { properties.append(("remote_ip", .string(ip))) }
        let requestIDs = attempt?.capturedHeaders.map { "\($0.name): \($0.value)" } ?? []
        if !requestIDs.isEmpty { properties.append(("request_ids", .string(cut(requestIDs.joined(separator: ", "))))) }
        if let vendor = result.vendor { properties.append(("vendor_status", .string(cut(vendor.phrase)))) }
        for (name, value) in result.labels.sorted(by: { $0.key < $1.key }) {
            properties.append(("label_\(name)", .string(cut(value))))
        }
        var measurements: [(String, JSONValue)] = [
            ("attempts", .int(result.attempts.count)), ("failed_attempts", .int(result.failedAttempts)),
        ]
        if let latency = result.latencySummary { measurements.append(("p50_seconds", .double(latency.p50))) }
        let location = result.labels["location"] ?? host
        return .object([
            (
                "name",
                .string(
                    "Microsoft.ApplicationInsights."
                        + connection.instrumentationKey.replacingOccurrences(of: "-", with: "") + ".Availability")
            ),
            ("time", .string(Timestamp.iso8601Milliseconds(result.startedAt))),
            ("iKey", .string(connection.instrumentationKey)),
            (
                "tags",
                .object([
                    ("ai.cloud.role", .string("canary")), ("ai.cloud.roleInstance", .string(host)),
                    ("ai.internal.sdkVersion", .string("canary:\(CanaryVersion.current)")),
                    ("ai.operation.id", .string(id)),
                ])
            ),
            (
                "data",
                .object([
                    ("baseType", .string("AvailabilityData")),
                    (
                        "baseData",
                        .object([
                            ("ver", .int(2)),
                            ("id", .string(id)),
                            ("name", .string(result.probe)),
                            ("duration", .string(duration(result.duration))),
                            ("success", .bool(result.severity == .ok)),
                            ("runLocation", .string(location)),
                            ("message", .string(cut(result.evidence))),
                            ("properties", .object(properties)),
                            ("measurements", .object(measurements)),
                        ])
                    ),
                ])
            ),
        ])
    }

    /// `d.hh:mm:ss.ffffff`, as the schema writes a duration: `0.00:00:01.234567`.
    public static func duration(_ seconds: Double) -> String {
        let micros = Int((max(0, seconds) * 1_000_000).rounded())
        let whole = micros / 1_000_000
        let fraction = String(micros % 1_000_000)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(whole / 86_400).\(two(whole / 3600 % 24)):\(two(whole / 60 % 60)):\(two(whole % 60))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Application Insights keeps at most 8,192 characters of a property or message.
    private static func cut(_ text: String) -> String {
        text.count <= 8192 ? text : String(text.prefix(8191)) + "…"
    }
}
