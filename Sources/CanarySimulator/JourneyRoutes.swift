import Foundation
import NIOCore
import OneTimePassword
import Synchronization

/// What a synthetic user walks through, under `/journey/`: an OAuth2 token endpoint
/// (client credentials; errors in Entra's form), a token-protected JSON API shaped like
/// Graph's `authentication/methods`, and a form login with a CSRF field and a session
/// cookie in front of a portal page.
public final class JourneyRoutes: Sendable {
    public init() {}

    /// The authorization server behind `/journey/token` and `/journey/devicecode`.
    public let oauth = OAuthServer()
    /// The TOTP secret of `/journey/mfa`'s second factor: 6 digits, SHA1, a 2-second
    /// period so that tests see codes change.
    public static let totpSecret = "otpauth://totp/simulator:canary?secret=JBSWY3DPEHPK3PXP&period=2"
    /// The secret, for tests that sign in with it.
    public static var clientSecretForTests: String { OAuthServer.clientSecret }

    private struct Issued {
        var counter = 0
        var sessions: Set<String> = []
        /// TOTP time steps already accepted: a replayed code is refused.
        var usedSteps: Set<Int64> = []
    }

    private let issued = Mutex(Issued())

    /// The routes and what each does, for the simulator's introduction.
    static let routes: [(path: String, summary: String)] = [
        (
            "/journey/token",
            "POST: client_credentials, password, refresh_token (rotated), device_code grants; AADSTS errors"
        ),
        ("/journey/devicecode", "POST client_id: a device code and user code (RFC 8628)"),
        ("/journey/device?user_code=CODE", "approves a device code, as a person signing in would"),
        ("/journey/methods?status=200", "Bearer token: 200 Graph-like {value:[...]}; 401 without; ?status= to fail"),
        ("/journey/login", "GET: form with a CSRF field and a cookie; POST csrf: session cookie, 302 to portal"),
        ("/journey/mfa", "as /journey/login, plus an 'otp' field: a TOTP code (not replayed) or 401"),
        ("/journey/portal", "200 with the session cookie, else 302 to /journey/login"),
    ]

    func action(for request: RequestHead, body: [UInt8]) -> SimulatorAction? {
        switch (request.method, request.path) {
        case ("POST", "/journey/token"):
            return .respond(oauth.token(Self.form(body), authorization: request.header("Authorization")))
        case ("POST", "/journey/devicecode"):
            return .respond(
                oauth.deviceAuthorization(Self.form(body), baseURL: "http://\(request.header("Host") ?? "127.0.0.1")"))
        case ("GET", "/journey/device"):
            let approved = request.query["user_code"].map { oauth.approve(userCode: $0) } ?? false
            return .respond(
                .html(approved ? "<p>You have signed in.</p>" : "<p>Enter the code.</p>", status: approved ? 200 : 400))
        case (_, "/journey/methods"): return .respond(methods(request))
        case ("GET", "/journey/login"): return .respond(loginPage(action: "/journey/login"))
        case ("POST", "/journey/login"): return .respond(login(request, form: Self.form(body), mfa: false))
        case ("GET", "/journey/mfa"): return .respond(loginPage(action: "/journey/mfa"))
        case ("POST", "/journey/mfa"): return .respond(login(request, form: Self.form(body), mfa: true))
        case (_, "/journey/portal"): return .respond(portal(request))
        default: return nil
        }
    }

    private func next(_ prefix: String, into set: WritableKeyPath<Issued, Set<String>>) -> String {
        issued.withLock { issued in
            issued.counter += 1
            let value = "\(prefix)-\(issued.counter)-\(UInt32.random(in: 0...UInt32.max))"
            issued[keyPath: set].insert(value)
            return value
        }
    }

    private func methods(_ request: RequestHead) -> HTTPResponse {
        let bearer = request.bearerToken
        guard let bearer, oauth.isValidAccessToken(bearer) else {
            return Self.json(
                #"{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}"#, status: 401)
        }
        let status = request.query.int("status", default: 200, in: 100...599)
        guard status == 200 else { return .status(status) }
        return Self.json(
            ##"{"value":[{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"3179e48a-750b-4051-897c-87b9720928f7","phoneNumber":"+1 5550100"}]}"##
        )
    }

    private func loginPage(action: String) -> HTTPResponse {
        let csrf = next("csrf", into: \.sessions)
        var response = HTTPResponse.html(
            """
            <!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in</h1>
            <form method="post" action="\(action)"><input type="hidden" name="csrf" value="\(csrf)">
            <input name="user"><button>Sign in</button></form></body></html>
            """)
        response.headers.append(("Set-Cookie", "pre=\(csrf); Path=/journey; HttpOnly"))
        return response
    }

    private func login(_ request: RequestHead, form: [String: String], mfa: Bool) -> HTTPResponse {
        let cookie = Self.cookies(request)["pre"]
        guard let csrf = form["csrf"], csrf == cookie, issued.withLock({ $0.sessions.contains(csrf) }) else {
            return .html(
                "<html><body><h1>Sign in</h1><p>Your session has expired. Sign in again.</p></body></html>", status: 403
            )
        }
        if mfa, !acceptCode(form["otp"] ?? "") {
            return .html(
                "<html><body><h1>Verify your identity</h1><p>That code didn't work.</p></body></html>", status: 401)
        }
        let session = next("sid", into: \.sessions)
        var response = HTTPResponse.redirect(to: "/journey/portal", status: 303)
        response.headers.append(("Set-Cookie", "sid=\(session); Path=/journey; HttpOnly"))
        return response
    }

    /// A TOTP code of the current step or the one before (clock skew), each step once.
    private func acceptCode(_ code: String) -> Bool {
        guard let totp = try? TOTP(parsing: Self.totpSecret) else { return false }
        let now = totp.counter(at: Date())
        return issued.withLock { issued in
            guard let step = [now, now - 1].first(where: { totp.code(counter: $0) == code }),
                !issued.usedSteps.contains(step)
            else { return false }
            issued.usedSteps.insert(step)
            return true
        }
    }

    private func portal(_ request: RequestHead) -> HTTPResponse {
        guard let session = Self.cookies(request)["sid"], issued.withLock({ $0.sessions.contains(session) }) else {
            return .redirect(to: "/journey/login")
        }
        return .html(Pages.ok)
    }

    private static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        OAuthServer.json(text, status: status)
    }

    /// An `application/x-www-form-urlencoded` body's fields.
    static func form(_ body: [UInt8]) -> [String: String] {
        let text = String(decoding: body, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    private static func cookies(_ request: RequestHead) -> [String: String] {
        var cookies: [String: String] = [:]
        for pair in (request.header("Cookie") ?? "").split(separator: ";") {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if parts.count == 2 { cookies[String(parts[0])] = String(parts[1]) }
        }
        return cookies
    }
}
