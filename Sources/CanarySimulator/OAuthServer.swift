import Foundation
import NIOCore
import Synchronization

/// The simulator's OAuth2 authorization server, in Entra's shapes: the token endpoint
/// with the client-credentials, password, refresh-token (rotated; a reused one revokes
/// its whole family) and device-code grants, and the device authorization endpoint with
/// an approval URL a test can call.
public final class OAuthServer: Sendable {
    public static let clientID = "canary-client"
    public static let clientSecret = "canary-client-secret"
    public static let username = "canary@example.com"
    public static let password = "canary-password"

    private struct State {
        var counter = 0
        var accessTokens: Set<String> = []
        /// Every refresh token issued, by family; `current` holds each family's live one.
        var families: [String: String] = [:]
        var current: [String: String] = [:]
        /// Device codes: user code, approved, last poll.
        var devices: [String: (userCode: String, approved: Bool, lastPoll: Date?)] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// A new refresh token of a new family, as a sign-in would give.
    public func issueRefreshToken() -> String {
        state.withLock { Self.newRefreshToken(family: nil, in: &$0) }
    }

    /// Whether `token` is a family's live refresh token.
    public func isLiveRefreshToken(_ token: String) -> Bool {
        state.withLock { state in state.families[token].map { state.current[$0] == token } ?? false }
    }

    /// Approves a device code by the user code shown to the person signing in.
    public func approve(userCode: String) -> Bool {
        state.withLock { state in
            guard let code = state.devices.first(where: { $0.value.userCode == userCode })?.key else { return false }
            state.devices[code]?.approved = true
            return true
        }
    }

    /// The user codes of device sign-ins not yet approved (what the people signing in see).
    public var pendingUserCodes: [String] {
        state.withLock { $0.devices.values.filter { !$0.approved }.map(\.userCode) }
    }

    func isValidAccessToken(_ token: String) -> Bool {
        state.withLock { $0.accessTokens.contains(token) }
    }

    private static func next(_ prefix: String, _ state: inout State) -> String {
        state.counter += 1
        return "\(prefix)-\(state.counter)-\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func newRefreshToken(family: String?, in state: inout State) -> String {
        let token = next("rt", &state)
        let family = family ?? next("family", &state)
        state.families[token] = family
        state.current[family] = token
        return token
    }

    /// `POST /journey/token`.
    func token(_ form: [String: String], authorization: String?) -> HTTPResponse {
        guard clientAuthenticated(form, authorization: authorization) else {
            return Self.error("invalid_client", "AADSTS7000215: Invalid client secret provided.", status: 401)
        }
        return state.withLock { state in
            switch form["grant_type"] {
            case "client_credentials":
                return Self.tokens(refresh: nil, in: &state)
            case "password":
                guard form["username"] == Self.username, form["password"] == Self.password else {
                    return Self.error(
                        "invalid_grant",
                        "AADSTS50126: Error validating credentials due to invalid username or password.")
                }
                return Self.tokens(refresh: Self.newRefreshToken(family: nil, in: &state), in: &state)
            case "refresh_token":
                guard let presented = form["refresh_token"], let family = state.families[presented] else {
                    return Self.error(
                        "invalid_grant", "AADSTS9002313: Invalid request. Request is malformed or invalid.")
                }
                guard state.current[family] == presented else {
                    // A spent token came back: someone else may hold the family. Revoke it all.
                    state.current[family] = nil
                    return Self.error("invalid_grant", "AADSTS70008: The refresh token has expired or was revoked.")
                }
                return Self.tokens(refresh: Self.newRefreshToken(family: family, in: &state), in: &state)
            case "urn:ietf:params:oauth:grant-type:device_code":
                return Self.deviceToken(form["device_code"] ?? "", in: &state)
            default:
                return Self.error("unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
            }
        }
    }

    /// `POST /journey/devicecode` (RFC 8628 section 3.1).
    func deviceAuthorization(_ form: [String: String], baseURL: String) -> HTTPResponse {
        guard form["client_id"] == Self.clientID else {
            return Self.error("invalid_client", "AADSTS700016: Application not found in the directory.", status: 400)
        }
        let (deviceCode, userCode) = state.withLock { state in
            let device = Self.next("dc", &state)
            let user = String(format: "%04X-%04X", UInt16.random(in: 0...UInt16.max), UInt16.random(in: 0...UInt16.max))
            state.devices[device] = (user, false, nil)
            return (device, user)
        }
        return Self.json(
            #"{"device_code":"\#(deviceCode)","user_code":"\#(userCode)","verification_uri":"\#(baseURL)/journey/device","expires_in":900,"interval":1,"message":"To sign in, use a web browser to open the page \#(baseURL)/journey/device and enter the code \#(userCode) to authenticate."}"#
        )
    }

    private static func deviceToken(_ code: String, in state: inout State) -> HTTPResponse {
        guard let device = state.devices[code] else {
            return error("expired_token", "AADSTS70019: Verification code expired.")
        }
        let now = Date()
        if let last = device.lastPoll, now.timeIntervalSince(last) < 0.9 {
            state.devices[code]?.lastPoll = now
            return error("slow_down", "AADSTS70016: Polling too fast.")
        }
        state.devices[code]?.lastPoll = now
        guard device.approved else {
            return error("authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.")
        }
        state.devices[code] = nil
        return tokens(refresh: newRefreshToken(family: nil, in: &state), in: &state)
    }

    private func clientAuthenticated(_ form: [String: String], authorization: String?) -> Bool {
        if let authorization, authorization.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(authorization.dropFirst(6))),
            let pair = String(data: data, encoding: .utf8)
        {
            let parts = pair.split(separator: ":", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            return parts.count == 2 && parts[0] == Self.clientID && parts[1] == Self.clientSecret
        }
        guard form["client_id"] == Self.clientID else { return false }
        // Public clients (the device and refresh grants of a device sign-in) need no secret.
        if ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"].contains(form["grant_type"] ?? ""),
            form["client_secret"] == nil
        {
            return true
        }
        return form["client_secret"] == Self.clientSecret
    }

    private static func tokens(refresh: String?, in state: inout State) -> HTTPResponse {
        let access = next("at", &state)
        state.accessTokens.insert(access)
        let refreshField = refresh.map { #","refresh_token":"\#($0)""# } ?? ""
        return json(#"{"token_type":"Bearer","expires_in":3600,"access_token":"\#(access)"\#(refreshField)}"#)
    }

    private static func error(_ code: String, _ description: String, status: Int = 400) -> HTTPResponse {
        json(#"{"error":"\#(code)","error_description":"\#(description)"}"#, status: status)
    }

    static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: text))
    }
}
