import Foundation

/// A probe's state record in JSON, byte for byte as ``StateCache/encoder()`` (Foundation's
/// `JSONEncoder`: keys sorted by their UTF-8 bytes, dates as seconds since 1970, `/`
/// escaped) writes it, but written field by field: a watch encodes every changed record
/// at each flush, and Codable's generic calls made that 13% of a 1,000-probe watch's CPU.
///
/// The state is still read with Codable; `StateRecordWriterTests` holds this writer to
/// the encoder's bytes for records with every field set. A field added to a type written
/// here must be added here too (the test's fully set record then fails until it is).
struct StateRecordWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 2048) {
        bytes.reserveCapacity(capacity)
    }

    /// The record's JSON text.
    /// - Throws: `EncodingError.invalidValue` for a number JSON cannot hold (NaN, infinity),
    ///   as `JSONEncoder` does.
    static func json(_ state: ProbeState) throws -> String {
        var writer = StateRecordWriter()
        try writer.write(state)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: Records, keys in sorted order

    mutating func write(_ state: ProbeState) throws {
        var object = ObjectFields()
        bool(state.alerting, key: "alerting", &object)
        try date(state.alertingSince, key: "alertingSince", &object)
        int(state.consecutiveFailures, key: "consecutiveFailures", &object)
        int(state.consecutivePasses, key: "consecutivePasses", &object)
        if let episode = state.episode {
            key("episode", &object)
            try write(episode)
        }
        try date(state.failingSince, key: "failingSince", &object)
        if let result = state.lastResult {
            key("lastResult", &object)
            try write(result)
        }
        try date(state.lastRun, key: "lastRun", &object)
        try date(state.lastSeen, key: "lastSeen", &object)
        try date(state.lastSuccess, key: "lastSuccess", &object)
        if let notified = state.notified {
            key("notified", &object)
            dictionary(notified) { writer, value in writer.bytes.append(contentsOf: value ? Self.true : Self.false) }
        }
        if let episodes = state.notifiedEpisode {
            key("notifiedEpisode", &object)
            try dictionary(episodes) { writer, value in try writer.number(value.timeIntervalSince1970) }
        }
        key("runs", &object)
        try array(state.runs) { writer, run in
            var fields = ObjectFields()
            try writer.date(run.at, key: "at", &fields)
            writer.string(run.severity.rawValue, key: "severity", &fields)
            writer.close(fields)
        }
        try date(state.vendorAdmittedSince, key: "vendorAdmittedSince", &object)
        try double(state.vendorLag, key: "vendorLag", &object)
        string(state.vendorStatus?.rawValue, key: "vendorStatus", &object)
        try date(state.vendorStatusSince, key: "vendorStatusSince", &object)
        close(object)
    }

    mutating func write(_ result: ProbeResult) throws {
        var object = ObjectFields()
        string(result.alertSeverity.rawValue, key: "alertSeverity", &object)
        bool(result.alerting, key: "alerting", &object)
        key("attempts", &object)
        try array(result.attempts) { writer, attempt in try writer.write(attempt) }
        try double(result.duration, key: "duration", &object)
        string(result.file, key: "file", &object)
        key("history", &object)
        try write(result.history)
        bool(result.intermittent, key: "intermittent", &object)
        key("labels", &object)
        dictionary(result.labels) { writer, value in writer.quoted(value) }
        key("latency", &object)
        write(result.latency)
        string(result.message, key: "message", &object)
        int(result.plannedAttempts, key: "plannedAttempts", &object)
        string(result.probe, key: "probe", &object)
        string(result.probeClass.rawValue, key: "probeClass", &object)
        string(result.severity.rawValue, key: "severity", &object)
        try date(result.startedAt, key: "startedAt", &object)
        string(result.url, key: "url", &object)
        if let vendor = result.vendor {
            key("vendor", &object)
            try write(vendor)
        }
        close(object)
    }

    mutating func write(_ attempt: AttemptResult) throws {
        var object = ObjectFields()
        int(attempt.bodyBytes, key: "bodyBytes", &object)
        string(attempt.bodyExcerpt, key: "bodyExcerpt", &object)
        key("capturedHeaders", &object)
        array(attempt.capturedHeaders) { writer, header in
            var fields = ObjectFields()
            writer.string(header.name, key: "name", &fields)
            writer.string(header.value, key: "value", &fields)
            writer.close(fields)
        }
        try date(attempt.certificateExpiry, key: "certificateExpiry", &object)
        int(attempt.contentLength, key: "contentLength", &object)
        string(attempt.error, key: "error", &object)
        if let tls = attempt.finalRequestTLS { bool(tls, key: "finalRequestTLS", &object) }
        int(attempt.httpStatus, key: "httpStatus", &object)
        string(attempt.httpVersion, key: "httpVersion", &object)
        string(attempt.message, key: "message", &object)
        string(attempt.probeClass.rawValue, key: "probeClass", &object)
        int(attempt.redirects, key: "redirects", &object)
        string(attempt.remoteIP, key: "remoteIP", &object)
        string(attempt.severity.rawValue, key: "severity", &object)
        try date(attempt.startedAt, key: "startedAt", &object)
        string(attempt.step, key: "step", &object)
        if let steps = attempt.steps {
            key("steps", &object)
            try array(steps) { writer, step in try writer.write(step) }
        }
        key("timings", &object)
        let timings = attempt.timings
        var phases = ObjectFields()
        try double(timings.connect, key: "connect", &phases)
        try double(timings.processing, key: "processing", &phases)
        try double(timings.resolve, key: "resolve", &phases)
        try double(timings.tls, key: "tls", &phases)
        try double(timings.total, key: "total", &phases)
        try double(timings.transfer, key: "transfer", &phases)
        close(phases)
        close(object)
    }

    mutating func write(_ history: ProbeHistory) throws {
        var object = ObjectFields()
        int(history.consecutiveFailures, key: "consecutiveFailures", &object)
        try date(history.failingSince, key: "failingSince", &object)
        try double(history.failureRatio, key: "failureRatio", &object)
        try date(history.lastSuccess, key: "lastSuccess", &object)
        close(object)
    }

    mutating func write(_ thresholds: Thresholds) {
        var object = ObjectFields()
        duration(thresholds.critical, key: "critical", &object)
        duration(thresholds.warning, key: "warning", &object)
        close(object)
    }

    mutating func write(_ episode: AlertEpisode) throws {
        var object = ObjectFields()
        try date(episode.alertedAt, key: "alertedAt", &object)
        try date(episode.endedAt, key: "endedAt", &object)
        string(episode.probeClass.rawValue, key: "probeClass", &object)
        string(episode.severity.rawValue, key: "severity", &object)
        try date(episode.startedAt, key: "startedAt", &object)
        close(object)
    }

    mutating func write(_ vendor: VendorView) throws {
        var object = ObjectFields()
        string(vendor.component, key: "component", &object)
        try double(vendor.disagreementSeconds, key: "disagreementSeconds", &object)
        string(vendor.error, key: "error", &object)
        if let incident = vendor.incident {
            key("incident", &object)
            var fields = ObjectFields()
            key("components", &fields)
            array(incident.components) { writer, component in writer.quoted(component) }
            string(incident.id, key: "id", &fields)
            string(incident.title, key: "title", &fields)
            string(incident.vendorStart, key: "vendorStart", &fields)
            close(fields)
        }
        try double(vendor.lagSeconds, key: "lagSeconds", &object)
        string(vendor.name, key: "name", &object)
        string(vendor.pollClass?.rawValue, key: "pollClass", &object)
        try date(vendor.since, key: "since", &object)
        string(vendor.status.rawValue, key: "status", &object)
        close(object)
    }

    // MARK: Fields (an optional that is nil is left out, as `encodeIfPresent` does)

    /// Whether an object has had a field yet (a comma goes before every later one).
    struct ObjectFields {
        var empty = true
    }

    private static let `true` = Array("true".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let `false` = Array("false".utf8)

    private mutating func key(_ name: StaticString, _ object: inout ObjectFields) {
        bytes.append(UInt8(ascii: object.empty ? "{" : ","))
        object.empty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func close(_ object: ObjectFields) {
        if object.empty { bytes.append(UInt8(ascii: "{")) }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func string(_ value: String?, key name: StaticString, _ object: inout ObjectFields) {
        guard let value else { return }
        key(name, &object)
        quoted(value)
    }

    private mutating func bool(_ value: Bool, key name: StaticString, _ object: inout ObjectFields) {
        key(name, &object)
        bytes.append(contentsOf: value ? Self.true : Self.false)
    }

    private mutating func int(_ value: Int?, key name: StaticString, _ object: inout ObjectFields) {
        guard let value else { return }
        key(name, &object)
        integer(value)
    }

    private mutating func double(_ value: Double?, key name: StaticString, _ object: inout ObjectFields) throws {
        guard let value else { return }
        key(name, &object)
        try number(value)
    }

    private mutating func date(_ value: Date?, key name: StaticString, _ object: inout ObjectFields) throws {
        try double(value?.timeIntervalSince1970, key: name, &object)
    }

    /// Swift's `Duration` as its Codable form: the high and low 64 bits of its attoseconds.
    private mutating func duration(_ value: Duration?, key name: StaticString, _ object: inout ObjectFields) {
        guard let value else { return }
        key(name, &object)
        let (seconds, attoseconds) = value.components
        let total = Int128(seconds) * 1_000_000_000_000_000_000 + Int128(attoseconds)
        bytes.append(UInt8(ascii: "["))
        integer(Int(Int64(truncatingIfNeeded: total >> 64)))
        bytes.append(UInt8(ascii: ","))
        bytes.append(contentsOf: String(UInt64(truncatingIfNeeded: total)).utf8)
        bytes.append(UInt8(ascii: "]"))
    }

    // MARK: Values

    private mutating func array<Element>(
        _ elements: [Element], _ write: (inout Self, Element) throws -> Void
    )
        rethrows
    {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            try write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A dictionary's entries, keys sorted by their UTF-8 bytes as the encoder sorts them.
    private mutating func dictionary<Value>(
        _ entries: [String: Value], _ write: (inout Self, Value) throws -> Void
    )
        rethrows
    {
        bytes.append(UInt8(ascii: "{"))
        let sorted = entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        for (index, entry) in sorted.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            quoted(entry.key)
            bytes.append(UInt8(ascii: ":"))
            try write(&self, entry.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func integer(_ value: Int) {
        if (0..<10).contains(value) {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Swift's shortest form that reads back exactly, without a trailing `.0`: the
    /// encoder's.
    private mutating func number(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "Unable to encode \(value) in JSON"))
        }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            // A whole number: its digits (a negative zero keeps its sign, as `-0`).
            if value == 0, value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            integer(Int(value))
            return
        }
        let text = value.description
        bytes.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
    }

    /// A JSON string: `"`, `\` and `/` escaped, the control characters as the encoder
    /// writes them (named where JSON names them, else `\u00xx`), all else as it is.
    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x2F {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case 0x22, 0x5C, 0x2F: bytes.append(byte)
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
