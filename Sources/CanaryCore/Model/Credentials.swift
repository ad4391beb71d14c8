import Foundation

/// A probe's own credentials (`auth:`), sent with every step: a bearer token from an
/// OAuth2 token endpoint, or HTTP Basic. DESIGN.md section 12.
public struct Credentials: Sendable {
    /// `auth.oauth2`.
    public struct OAuth2: Sendable, Hashable {
        /// How the token is obtained.
        public enum Grant: String, Sendable, CaseIterable {
            case clientCredentials = "client_credentials"
            case password
            case refreshToken = "refresh_token"
        }

        /// How the client authenticates to the token endpoint.
        public enum ClientAuthentication: String, Sendable, CaseIterable {
            /// `client_id` and `client_secret` in the form (`client_secret_post`).
            case body
            /// HTTP Basic with `client_id:client_secret` (`client_secret_basic`).
            case basic
        }

        public var tokenURL: String
        public var grant: Grant = .clientCredentials
        public var clientID: String
        public var clientSecret: String?
        public var clientAuthentication: ClientAuthentication = .body
        public var scope: String?
        public var username: String?
        public var password: String?
        /// Where the refresh token lives (`refresh_token` grant); rotated tokens are
        /// written back to it.
        public var refreshTokenFile: String?
        /// The device authorization endpoint, for `canary login` (RFC 8628).
        public var deviceAuthorizationURL: String?

        public init(tokenURL: String, clientID: String) {
            self.tokenURL = tokenURL
            self.clientID = clientID
        }
    }

    /// `auth.basic`: a username and a password sent as HTTP Basic.
    public struct Basic: Sendable {
        public var username = ""
        public var password = ""

        public init(username: String = "", password: String = "") {
            self.username = username
            self.password = password
        }

        /// The `Authorization` header's value.
        public var headerValue: String {
            Credentials.basicHeader(username, password)
        }
    }

    /// `Basic base64(user:password)`, as RFC 7617 writes it.
    static func basicHeader(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    public var oauth2: OAuth2?
    public var basic: Basic?

    public init() {}
}
