import Foundation

/// What a token endpoint answered (RFC 6749 section 5).
struct TokenResponse: Sendable {
    var accessToken: String
    /// Seconds the access token lasts, when said.
    var expiresIn: Double?
    /// A new refresh token, when the server rotates them.
    var refreshToken: String?

    /// The tokens of a successful answer's JSON body; `nil` without an `access_token`.
    init?(body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let token = object["access_token"] as? String, !token.isEmpty
        else { return nil }
        accessToken = token
        expiresIn =
            (object["expires_in"] as? NSNumber)?.doubleValue ?? (object["expires_in"] as? String).flatMap(Double.init)
        refreshToken = (object["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether `text` can travel as a token: printable ASCII without spaces (an RFC 6750
    /// b64token is stricter); never a line break a server could smuggle a header in with.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 << 10 && text.utf8.allSatisfy { (0x21...0x7e).contains($0) }
    }

    /// Error codes that mean the probe's own credentials were refused (RFC 6749 5.2).
    static let refusals: Set = ["invalid_client", "invalid_grant", "unauthorized_client"]
}
