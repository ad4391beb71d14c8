/// A Teams message for a Workflows webhook ("When a Teams webhook request is received"):
/// an Adaptive Card with the title and the notice's facts.
public enum TeamsMessage {
    /// The Adaptive Card schema version the card uses; Teams renders up to 1.5.
    public static let cardVersion = "1.4"

    public static func body(_ notice: Notice) -> String {
        message(notice).serialized()
    }

    /// `text` cut to `limit` characters (Teams refuses cards past about 28 KB), with
    /// Markdown link syntax broken: a server's words must not become a link in the card.
    static func plain(_ text: String, _ limit: Int) -> String {
        let cut = text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
        return cut.replacingOccurrences(of: "](", with: "]\u{200B}(")
    }

    public static func message(_ notice: Notice) -> JSONValue {
        let colour =
            switch (notice.event, notice.episode.severity) {
            case (.resolved, _): "Good"
            case (.firing, .warning): "Warning"
            default: "Attention"
            }
        let card: JSONValue = .object([
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string(cardVersion)),
            (
                "body",
                .array([
                    .object([
                        ("type", .string("TextBlock")), ("text", .string(plain(notice.title, 200))),
                        ("weight", .string("Bolder")),
                        ("size", .string("Medium")), ("color", .string(colour)), ("wrap", .bool(true)),
                    ]),
                    .object([
                        ("type", .string("FactSet")),
                        (
                            "facts",
                            .array(
                                notice.facts.map { fact in
                                    .object([
                                        ("title", .string(fact.title)), ("value", .string(plain(fact.value, 2000))),
                                    ])
                                })
                        ),
                    ]),
                ])
            ),
            ("msteams", .object([("width", .string("Full"))])),
        ])
        return .object([
            ("type", .string("message")),
            (
                "attachments",
                .array([
                    .object([
                        ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                        ("contentUrl", .null),
                        ("content", card),
                    ])
                ])
            ),
        ])
    }
}
