/// A Teams message for a Workflows webhook ("When a Teams webhook request is received"):
/// an Adaptive Card with the title and the notice's facts.
public enum TeamsMessage {
    /// The Adaptive Card schema version the card uses; Teams renders up to 1.5.
    public static let cardVersion = "1.4"

    public static func body(_ notice: Notice) -> String {
        message(notice).serialized()
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
                        ("type", .string("TextBlock")), ("text", .string(notice.title)), ("weight", .string("Bolder")),
                        ("size", .string("Medium")), ("color", .string(colour)), ("wrap", .bool(true)),
                    ]),
                    .object([
                        ("type", .string("FactSet")),
                        (
                            "facts",
                            .array(
                                notice.facts.map { fact in
                                    .object([("title", .string(fact.title)), ("value", .string(fact.value))])
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
