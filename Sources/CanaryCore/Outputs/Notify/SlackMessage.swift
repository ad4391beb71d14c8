/// A Slack incoming-webhook message: `text` (what notifications and old clients show)
/// and `blocks` (a header, the facts as fields, the evidence), within Slack's limits.
public enum SlackMessage {
    public static func body(_ notice: Notice) -> String {
        message(notice).serialized()
    }

    public static func message(_ notice: Notice) -> JSONValue {
        // Slack takes at most 10 fields of 2,000 characters, a 150-character header and
        // 3,000 characters of section text.
        let fields = notice.facts.filter { $0.title != "Evidence" }.prefix(10).map { fact -> JSONValue in
            .object([
                ("type", .string("mrkdwn")), ("text", .string(cut("*\(fact.title)*\n\(escape(fact.value))", 2000))),
            ])
        }
        return .object([
            ("text", .string(cut(escape("\(notice.title): \(notice.evidence)"), 3000))),
            (
                "blocks",
                .array([
                    .object([
                        ("type", .string("header")),
                        (
                            "text",
                            .object([("type", .string("plain_text")), ("text", .string(cut(notice.title, 150)))])
                        ),
                    ]),
                    .object([("type", .string("section")), ("fields", .array(Array(fields)))]),
                    .object([
                        ("type", .string("section")),
                        (
                            "text",
                            .object([
                                ("type", .string("mrkdwn")), ("text", .string(cut(escape(notice.evidence), 3000))),
                            ])
                        ),
                    ]),
                ])
            ),
        ])
    }

    /// Slack's escaping for message text: `&`, `<` and `>` only.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
