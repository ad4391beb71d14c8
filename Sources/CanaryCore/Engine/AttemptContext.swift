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

    /// - Parameter redactor: Hides the probe files' secrets (`${env:}`, `${file:}`, passwords).
    public init(redactor: Redactor) {
        self.redactor = redactor
    }

    /// Sets `${name}` for the steps that follow; a `secret` value joins the redactor.
    public mutating func set(_ name: String, to value: String, secret: Bool = false) {
        variables[name] = value
        if secret {
            secretNames.insert(name)
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

    /// `text` with each `${NAME}` that names a value replaced by it; any other `${...}`
    /// is left as it is.
    public func expand(_ text: String) -> String {
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
            output += value
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
