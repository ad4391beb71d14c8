import Foundation
import NIOCore

/// Turns a request into a `SimulatorAction`; holds the state shared by all connections.
struct Router: Sendable {
    private static let maxDelay = 600_000  // ms: ten minutes is "hung" by any prober's standard
    private static let oneGiB = 1 << 30

    private let flakyCounter = FlakyCounter()
    private let bombs = BombCache()
    /// The token endpoint, form login and API that journeys walk through.
    private let journey: JourneyRoutes
    private let vendorPage: VendorPage
    private let receiver: Receiver
    /// The scenario being replayed, which takes the portal, sign-in and status-page paths.
    let scenario: ScenarioRoutes?

    /// Every request's head, as received.
    let log: RequestLog

    init(
        replay: ScenarioReplay? = nil, log: RequestLog = RequestLog(), journey: JourneyRoutes = JourneyRoutes(),
        vendorPage: VendorPage = VendorPage(), receiver: Receiver = Receiver()
    ) {
        self.scenario = replay.map(ScenarioRoutes.init)
        self.log = log
        self.journey = journey
        self.vendorPage = vendorPage
        self.receiver = receiver
    }

    func action(for request: RequestHead, body: [UInt8] = []) -> SimulatorAction {
        log.record(request.raw)
        if let action = scenario?.action(for: request.path) { return action }
        if let scenario, request.path == "/graph/v1.0/admin/serviceAnnouncement/healthOverviews" {
            return .respond(scenario.graph(request, oauth: journey.oauth))
        }
        if let action = journey.action(for: request, body: body) { return action }
        if let action = vendorPage.action(for: request) { return action }
        if let action = receiver.action(for: request, body: body) { return action }
        guard let route = SimulatorRoute(path: request.path) else { return .respond(.status(404)) }
        let query = request.query
        switch route {
        case .root, .ok: return .respond(.html(Pages.ok))
        case .login: return .respond(.html(Pages.login))
        case .redirectLogin: return .respond(.redirect(to: "/login/"))
        case .spa: return .respond(.html(Pages.spa))
        case .empty: return .respond(HTTPResponse(status: 200))
        case .blank: return .respond(.html(Pages.blank))
        case .errorPage: return .respond(.html(Pages.error))
        case .status: return status(path: request.path, query: query)
        case .slow: return .delay(milliseconds: delay(query, "ms", default: 1500), then: .respond(.html(Pages.ok)))
        case .hang: return .hang
        case .reset: return .reset
        case .redirectLoop: return redirectLoop(query)
        case .redirect:
            let status = query.int("status", default: 302, in: 300...399)
            return .respond(.redirect(to: query["to"] ?? "/ok", status: status))
        case .flaky: return flaky(query)
        case .huge: return huge(query)
        case .gzipBomb: return bomb(.gzip, query)
        case .deflateBomb: return bomb(.deflate, query)
        case .trickle: return trickle(query)
        case .malformed: return .raw(ByteBuffer(string: "HTPT/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
        case .echo: return .respond(echo(request))
        case .headers: return headers(query)
        case .endless, .headerFlood, .longHeader, .http09, .badChunked, .resetMidBody, .hugeLocation, .binary:
            return HostileReplies.action(route, query: query)
        case .pingPong: return pingPong(query)
        case .cookieGate: return cookieGate(request)
        case .basicAuth: return basicAuth(request, query)
        }
    }

    private func delay(_ query: QueryItems, _ name: String, default fallback: Int) -> Int {
        query.int(name, default: fallback, in: 0...Self.maxDelay)
    }

    private func status(path: String, query: QueryItems) -> SimulatorAction {
        guard let code = Int(path.dropFirst("/status/".count)), (100...599).contains(code) else {
            return .respond(.status(404))
        }
        let response = SimulatorAction.respond(.status(code))
        let wait = delay(query, "delay_ms", default: 0)
        return wait > 0 ? .delay(milliseconds: wait, then: response) : response
    }

    private func redirectLoop(_ query: QueryItems) -> SimulatorAction {
        let next = query.int("n", default: 0, in: 0...(Int.max - 1)) + 1
        return .respond(.redirect(to: "/redirect-loop?n=\(next)"))
    }

    private func flaky(_ query: QueryItems) -> SimulatorAction {
        let every = query.int("every", default: 3, in: 1...Int.max)
        let count = flakyCounter.next(key: query["key"] ?? "default")
        return .respond(count % every == 0 ? .status(504) : .html(Pages.ok))
    }

    private func huge(_ query: QueryItems) -> SimulatorAction {
        let bytes = query.int("bytes", default: 100_000_000, in: 0...(1 << 40))
        let head = HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")])
        return .stream(head: head, byteCount: bytes)
    }

    /// Capped at 8 GiB of zeros, which is already ~54 MB on the wire.
    private func bomb(_ encoding: BombEncoding, _ query: QueryItems) -> SimulatorAction {
        let bytes = query.int("bytes", default: Self.oneGiB, in: 0...(8 * Self.oneGiB))
        let body = bombs.body(encoding: encoding, inflatedSize: bytes)
        let headers = [("Content-Type", "application/octet-stream"), ("Content-Encoding", encoding.rawValue)]
        return .respond(HTTPResponse(status: 200, headers: headers, body: body))
    }

    private func trickle(_ query: QueryItems) -> SimulatorAction {
        let bytes = query.int("bytes", default: 100, in: 0...10_000_000)
        let interval = delay(query, "interval_ms", default: 100)
        let head = HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")])
        return .trickle(head: head, byteCount: bytes, intervalMilliseconds: interval)
    }

    /// Two host names for one server, so a redirect loop spans two hosts.
    private func pingPong(_ query: QueryItems) -> SimulatorAction {
        let port = query.int("port", default: 80, in: 1...65535)
        let next = query.int("n", default: 0, in: 0...(Int.max - 1)) + 1
        let host = next % 2 == 0 ? "127.0.0.1" : "localhost"
        return .respond(.redirect(to: "http://\(host):\(port)/ping-pong?port=\(port)&n=\(next)"))
    }

    /// The request head as the body: as received, or encoded the ways servers echo input
    /// back (`format=json`: a JSON string with `/` escaped; `percent`, `percent-lower`:
    /// every byte but letters and digits as %XX).
    private func echo(_ request: RequestHead) -> HTTPResponse {
        let raw = String(decoding: request.raw, as: UTF8.self)
        func percent(_ lower: Bool) -> String {
            request.raw.map { byte in
                let isAlphanumeric =
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                guard !isAlphanumeric else { return String(UnicodeScalar(byte)) }
                let hex = String(byte, radix: 16, uppercase: !lower)
                return "%" + (hex.count == 1 ? "0" : "") + hex
            }.joined()
        }
        switch request.query["format"] {
        case "json":
            var escaped = ""
            for scalar in raw.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "/": escaped += "\\/"
                case "\r": escaped += "\\r"
                case "\n": escaped += "\\n"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            let body = "{\"request\":\"\(escaped)\"}"
            return HTTPResponse(
                status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: body))
        case "percent": return .text(ByteBuffer(string: percent(false)))
        case "percent-lower": return .text(ByteBuffer(string: percent(true)))
        default: return .text(ByteBuffer(bytes: request.raw))
        }
    }

    /// A sign-in front door that sets a session cookie and sends the browser back to
    /// itself: only a client that keeps cookies across redirects ever gets in.
    private func cookieGate(_ request: RequestHead) -> SimulatorAction {
        if request.header("Cookie")?.contains("gate=open") == true { return .respond(.html(Pages.ok)) }
        var response = HTTPResponse.redirect(to: "/cookie-gate")
        response.headers.append(("Set-Cookie", "gate=open; Path=/; HttpOnly"))
        return .respond(response)
    }

    /// A page behind HTTP Basic: 401 with a challenge until `user:password` (from the
    /// query; canary:secret by default) comes in the Authorization header.
    private func basicAuth(_ request: RequestHead, _ query: QueryItems) -> SimulatorAction {
        let user = query["user"] ?? "canary"
        let password = query["password"] ?? "secret"
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        if request.header("Authorization") == expected { return .respond(.html(Pages.ok)) }
        var response = HTTPResponse.html("<html><body><h1>401 Authorization Required</h1></body></html>", status: 401)
        response.headers.append(("WWW-Authenticate", "Basic realm=\"canary\""))
        return .respond(response)
    }

    /// Names and values lose any CR/LF so a query cannot inject extra header lines.
    private func headers(_ query: QueryItems) -> SimulatorAction {
        var response = HTTPResponse.html(Pages.ok)
        for item in query.items where !item.name.isEmpty {
            response.headers.append((item.name.filter { !$0.isNewline }, item.value.filter { !$0.isNewline }))
        }
        return .respond(response)
    }
}
