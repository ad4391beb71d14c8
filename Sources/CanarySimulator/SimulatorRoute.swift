/// Every path the simulator answers, with the text `canary simulate` prints for it.
///
/// This is the one list of routes: `SimulatorServer.routes` and `Router` both read it.
enum SimulatorRoute: CaseIterable, Sendable {
    case root, ok, login, redirectLogin, spa, empty, blank, errorPage
    case status, slow, hang, reset, redirectLoop, redirect, flaky
    case huge, gzipBomb, deflateBomb, trickle, malformed, echo, headers
    case endless, headerFlood, longHeader, http09, badChunked, resetMidBody, hugeLocation, binary, pingPong
    case cookieGate, basicAuth

    /// The route with its optional query parameters, as shown to people.
    var usage: String {
        switch self {
        case .root: "/"
        case .ok: "/ok"
        case .login: "/login/"
        case .redirectLogin: "/redirect-login"
        case .spa: "/spa"
        case .empty: "/empty"
        case .blank: "/blank"
        case .errorPage: "/error-page"
        case .status: "/status/{code}?delay_ms=0"
        case .slow: "/slow?ms=1500"
        case .hang: "/hang"
        case .reset: "/reset"
        case .redirectLoop: "/redirect-loop?n=0"
        case .redirect: "/redirect?to=URL&status=302"
        case .flaky: "/flaky?every=3&key=default"
        case .huge: "/huge?bytes=100000000"
        case .gzipBomb: "/gzip-bomb?bytes=1073741824"
        case .deflateBomb: "/deflate-bomb?bytes=1073741824"
        case .trickle: "/trickle?bytes=100&interval_ms=100"
        case .malformed: "/malformed"
        case .echo: "/echo?format=raw"
        case .headers: "/headers?name=value&..."
        case .endless: "/endless"
        case .headerFlood: "/header-flood?interval_ms=0"
        case .longHeader: "/long-header?bytes=10000000"
        case .http09: "/http09"
        case .badChunked: "/bad-chunked"
        case .resetMidBody: "/reset-mid-body"
        case .hugeLocation: "/huge-location?bytes=1000000"
        case .binary: "/binary"
        case .pingPong: "/ping-pong?port=PORT&n=0"
        case .cookieGate: "/cookie-gate"
        case .basicAuth: "/basic-auth?user=canary&password=secret"
        }
    }

    var summary: String {
        switch self {
        case .root, .ok: "200, the healthy \"My Sign-Ins\" page"
        case .login: "200, the \"Sign in / Pick an account\" page"
        case .redirectLogin: "302 to /login/"
        case .spa: "200, SPA shell: marker only inside <script>, no visible text"
        case .empty: "200 with an empty body"
        case .blank: "200 HTML with no visible text"
        case .errorPage: "200 sign-in error page: \"Something went wrong\", AADSTS50058"
        case .status: "any status 100..599 with an nginx-style page, optionally delayed"
        case .slow: "the healthy page after a delay"
        case .hang: "reads the request, never answers"
        case .reset: "reads the request, then resets the connection (RST)"
        case .redirectLoop: "302 to itself with n+1, forever"
        case .redirect: "302 (or status=3xx) to any Location, e.g. file:///etc/passwd"
        case .flaky: "504 on every Nth request per key, the healthy page otherwise"
        case .huge: "200 text/plain of N bytes, streamed"
        case .gzipBomb: "gzip body that inflates to N zero bytes"
        case .deflateBomb: "zlib (deflate) body that inflates to N zero bytes"
        case .trickle: "200 of N bytes, one byte per interval"
        case .malformed: "a malformed status line (HTPT/1.1)"
        case .echo: "200 echoing the request head: raw, json (\\/-escaped), percent or percent-lower"
        case .headers: "the healthy page plus each query item as a response header"
        case .endless: "200 with no Content-Length and a body that never ends"
        case .headerFlood: "a status line, then header lines forever (no end of head)"
        case .longHeader: "one header line of N bytes"
        case .http09: "an HTTP/0.9-style reply: a body and no status line"
        case .badChunked: "chunked encoding with an invalid chunk size"
        case .resetMidBody: "a head announcing 1 MB, 1 KB of body, then a TCP reset"
        case .hugeLocation: "302 whose Location is an N-byte URL"
        case .binary: "200 with non-UTF-8 bytes in the body and a header value"
        case .pingPong: "302 back and forth between 127.0.0.1 and localhost, forever"
        case .cookieGate: "302 to itself setting a cookie until the cookie comes back, then 200"
        case .basicAuth: "401 asking for HTTP Basic until these credentials come, then the healthy page"
        }
    }

    /// The route serving `path`, or `nil` for a 404.
    init?(path: String) {
        if path.hasPrefix("/status/") {
            self = .status
        } else if let route = Self.byPath[path] {
            self = route
        } else {
            return nil
        }
    }

    /// Exact paths, taken from `usage` so the two cannot drift apart.
    private static let byPath: [String: SimulatorRoute] = {
        var routes: [String: SimulatorRoute] = ["/login": .login]
        for route in allCases where route != .status {
            let path = route.usage.prefix { $0 != "?" }
            routes[String(path)] = route
        }
        return routes
    }()
}
