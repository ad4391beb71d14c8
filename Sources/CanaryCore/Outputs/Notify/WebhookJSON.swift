/// The `json` webhook's body: the report's object for the probe (DESIGN.md section 8)
/// with `"event": "firing"` or `"resolved"` first.
public enum WebhookJSON {
    public static func body(_ notice: Notice) -> String {
        guard case .object(let fields) = JSONReport.object(notice.result) else { return "{}" }
        return JSONValue.object([("event", .string(notice.event.rawValue))] + fields).serialized()
    }
}
