/// The `json` webhook's body: the report's object for the probe (DESIGN.md section 8)
/// with `"event": "firing"` or `"resolved"` first.
public enum WebhookJSON {
    /// The largest body sent: past it, the attempts (with their captured headers and body
    /// excerpts) are left out and counted instead.
    public static let maxBytes = 256 << 10

    public static func body(_ notice: Notice) -> String {
        guard case .object(let fields) = JSONReport.object(notice.result) else { return "{}" }
        let whole = JSONValue.object([("event", .string(notice.event.rawValue))] + fields).serialized()
        guard whole.utf8.count > maxBytes else { return whole }
        let brief = fields.filter { $0.0 != "attempts" } + [("attempts_omitted", .int(notice.result.attempts.count))]
        return JSONValue.object([("event", .string(notice.event.rawValue))] + brief).serialized()
    }
}
