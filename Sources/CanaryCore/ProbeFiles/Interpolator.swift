import Foundation
import OneTimePassword

/// Expands `${env:NAME}` and `${file:PATH}` in probe-file values, remembering every
/// expanded value as a secret so that no output ever shows it. `${totp:env:NAME}` and
/// `${totp:file:PATH}` read a TOTP secret the same way and leave a placeholder,
/// `${totp#N}`, that each attempt fills with the code of the moment.
final class Interpolator {
    struct Failure: Error {
        var message: String
    }

    private static let reference = try! NSRegularExpression(pattern: #"\$\{([a-z]*):([^}]*)\}"#)
    /// `${file:...}` contents over this size are refused: a secret is small.
    static let maxFileBytes = 64 << 10

    let environment: Environment
    private(set) var secrets: [String] = []
    /// The TOTP generators of `${totp:...}` references, by placeholder number.
    private(set) var totps: [TOTP] = []

    init(environment: Environment) {
        self.environment = environment
    }

    /// Remembers the password of `url`'s userinfo, if it has one, as a secret: written
    /// literally or not, it never appears in any output.
    func rememberPassword(of url: ParsedURL) {
        for form in url.passwords where !form.isEmpty {
            secrets.append(form)
        }
    }

    /// Remembers a credential written literally in a probe file as a secret.
    func rememberSecret(_ value: String) {
        if !value.isEmpty { secrets.append(value) }
    }

    /// `text` with every reference replaced by its value.
    /// - Throws: ``Failure`` naming the unset variable, unreadable file or unknown kind.
    func expand(_ text: String) throws(Failure) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var cursor = text.startIndex
        for match in Self.reference.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let whole = Range(match.range, in: text), let kindRange = Range(match.range(at: 1), in: text),
                let argumentRange = Range(match.range(at: 2), in: text)
            else { continue }
            output += text[cursor..<whole.lowerBound]
            let kind = String(text[kindRange])
            let argument = String(text[argumentRange])
            if kind == "totp" {
                output += try totpPlaceholder(argument)
            } else {
                let value = try resolve(kind: kind, argument: argument)
                secrets.append(value)
                output += value
            }
            cursor = whole.upperBound
        }
        output += text[cursor...]
        return output
    }

    /// `${totp:env:NAME}` or `${totp:file:PATH}`: the secret is read (and remembered as a
    /// secret), checked, and stands for the placeholder of its generator.
    private func totpPlaceholder(_ argument: String) throws(Failure) -> String {
        let parts = argument.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == "env" || parts[0] == "file" else {
            throw Failure(message: "${totp:\(argument)} must be ${totp:env:NAME} or ${totp:file:PATH}")
        }
        let seed = try resolve(kind: String(parts[0]), argument: String(parts[1]))
        secrets.append(seed)
        // The base32 secret inside an otpauth:// URI is the secret itself.
        if let inner = URLComponents(string: seed.trimmingCharacters(in: .whitespacesAndNewlines))?.queryItems?
            .first(where: { $0.name.lowercased() == "secret" })?.value, !inner.isEmpty
        {
            secrets.append(inner)
        }
        do {
            totps.append(try TOTP(parsing: seed))
        } catch {
            throw Failure(message: "${totp:\(argument)}: \(error.description)")
        }
        return "${\(Self.totpPrefix)\(totps.count - 1)}"
    }

    /// How a TOTP placeholder's name starts: `${totp#0}`.
    static let totpPrefix = "totp#"

    private func resolve(kind: String, argument: String) throws(Failure) -> String {
        switch kind {
        case "env":
            guard let value = environment[argument] else {
                throw Failure(message: "${env:\(argument)} is not set in the environment")
            }
            return value
        case "file":
            let path = (argument as NSString).expandingTildeInPath
            let data: Data
            do {
                data = try RegularFile.read(path, limit: Self.maxFileBytes)
            } catch .notRegular {
                throw Failure(message: "${file:\(argument)} is not a regular file")
            } catch .tooLarge {
                throw Failure(message: "${file:\(argument)} is over \(Self.maxFileBytes) bytes; not a secret")
            } catch {
                throw Failure(message: "${file:\(argument)} cannot be read")
            }
            var value = String(decoding: data, as: UTF8.self)
            while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
            return value
        default:
            throw Failure(
                message: "${\(kind):...} is not a known reference (use ${env:NAME}, ${file:PATH} or ${totp:env:NAME})")
        }
    }
}
