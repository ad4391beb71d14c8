import Foundation
import OneTimePassword

/// What one attempt carries from step to step: values taken from earlier responses,
/// filled into later requests as `${NAME}` when they are made, and the secrets to hide,
/// which grow as the attempt learns them (a token it was given).
public struct AttemptContext: Sendable {
    /// Values by name, for `${NAME}` in a step's URL, headers and body.
    public private(set) var variables: [String: String] = [:]
    /// Hides the probe's secrets and those the attempt has learnt.
    public private(set) var redactor: Redactor
    /// Names of the values that are secrets.
    public private(set) var secretNames: Set<String> = []
    /// The secret values learnt, in order.
    public private(set) var learnt: [String] = []

    /// - Parameter redactor: Hides the probe files' secrets (`${env:}`, `${file:}`, passwords).
    public init(redactor: Redactor) {
        self.redactor = redactor
    }

    /// Sets `${name}` for the steps that follow; a `secret` value joins the redactor.
    public mutating func set(_ name: String, to value: String, secret: Bool = false) {
        variables[name] = value
        if secret {
            secretNames.insert(name)
            learnt.append(value)
            redactor = redactor.adding(secrets: [value])
        }
    }

    /// Whether `text` refers to a secret value (`${NAME}` of a secret capture): what it
    /// becomes must not travel to another origin.
    public func refersToSecret(_ text: String) -> Bool {
        secretNames.contains { text.contains("${\($0)}") }
    }

    /// Sets `${totp#N}` to each generator's code at `date`, as secrets.
    public mutating func setCodes(of totps: [TOTP], at date: Date) {
        for (index, totp) in totps.enumerated() { set("totp#\(index)", to: totp.code(at: date), secret: true) }
    }

    /// A URL with its `${NAME}`s filled in, each percent-encoded as a URL component, so
    /// that a value with a space, `&`, `#`, `/` or a line break stays one value. (A whole
    /// URL from a capture is refused when the file loads: the server would choose where
    /// the step's credentials go.)
    public func expandURL(_ url: String) -> String {
        expand(url) { value in value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? value }
    }

    /// RFC 3986's unreserved characters: what a URL component keeps as it is.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` with each `${NAME}` that names a value replaced by it; any other `${...}`
    /// is left as it is.
    public func expand(_ text: String) -> String {
        expand(text) { $0 }
    }

    private func expand(_ text: String, encoding: (String) -> String) -> String {
        guard !variables.isEmpty, text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}"),
                let value = variables[String(rest[open.upperBound..<close])]
            else {
                output += rest[open]
                rest = rest[open.upperBound...]
                continue
            }
            output += encoding(value)
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
