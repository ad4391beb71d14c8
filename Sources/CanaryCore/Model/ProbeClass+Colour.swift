/// The colour each class is drawn in, chosen once here: the HTML report's timelines and
/// legend, and the text report's class names on a terminal, all read it. Passing classes
/// are green, WARNING classes amber, gateway and server failures reds, client-side and
/// content failures purples and pinks, network failures browns and teals; each readable
/// on white and on a dark background.
extension ProbeClass {
    /// The colour as `#rrggbb`.
    public var colour: String {
        switch self {
        case .ok: "#2e9e44"
        case .slow: "#e0a526"
        case .certExpiring: "#c9b01c"
        case .rateLimited: "#e6862e"
        case .gatewayTimeout: "#d7263d"
        case .badGateway: "#a4161a"
        case .serviceUnavailable: "#f25c54"
        case .serverError: "#c0392b"
        case .authFailure: "#8e44ad"
        case .unexpectedStatus: "#b05fc4"
        case .blankPage: "#5d6d7e"
        case .errorPage: "#d63384"
        case .contentMismatch: "#e377c2"
        case .timeout: "#b9770e"
        case .dnsFailure: "#8d6e63"
        case .connectFailure: "#6e2c00"
        case .tlsFailure: "#17a2b8"
        case .redirectLoop: "#7f8c8d"
        case .responseTooLarge: "#95a5a6"
        case .protocolError: "#34495e"
        case .notRun: "#bdc3c7"
        }
    }

    /// The colour of a class stored by name, grey for one this canary does not know.
    public static func colour(named name: String) -> String {
        ProbeClass(rawValue: name)?.colour ?? "#9e9e9e"
    }

    /// `text` in the class's colour for a terminal (24-bit ANSI).
    public static func coloured(_ text: String, named name: String) -> String {
        let hex = colour(named: name).dropFirst()
        let value = Int(hex, radix: 16) ?? 0
        return "\u{1B}[38;2;\(value >> 16);\((value >> 8) & 0xff);\(value & 0xff)m\(text)\u{1B}[0m"
    }
}
