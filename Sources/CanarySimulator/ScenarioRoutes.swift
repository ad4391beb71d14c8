import Foundation
import NIOCore

/// The hosts a scenario plays, on one port by path prefix: the portal (`/portal/`), the
/// API behind it (`/api/`, Graph-shaped JSON, failing as the portal does), the sign-in page
/// (`/login/`) and the vendor's status page in the Atlassian Statuspage form
/// (`/status/api/v2/status.json`).
struct ScenarioRoutes: Sendable {
    static let statusPath = "/status/api/v2/status.json"
    static let summaryPath = "/status/api/v2/summary.json"

    let replay: ScenarioReplay

    /// The action for `path`, or `nil` when the path is not a scenario's.
    func action(for path: String) -> SimulatorAction? {
        if path == Self.statusPath { return .respond(statusPage()) }
        if path == Self.summaryPath { return .respond(summaryPage()) }
        if path == "/portal" || path.hasPrefix("/portal/") { return serve(.portal, page: Pages.ok) }
        if path == "/login" || path.hasPrefix("/login/") { return serve(.login, page: Pages.login) }
        if path.hasPrefix("/api/") { return serve(.api, page: Self.methods) }
        return nil
    }

    /// A healthy answer of the API: the user's authentication methods.
    static let methods =
        ##"{"value":[{"@odata.type":"#microsoft.graph.phoneAuthenticationMethod","id":"3179e48a-750b-4051-897c-87b9720928f7"}]}"##

    private func serve(_ target: Scenario.Target, page: String) -> SimulatorAction {
        let (behaviour, index) = replay.next(target)
        let requestID = String(
            format: "%08x-sim-%@-%06d", UInt32(truncatingIfNeeded: replay.seed), target.rawValue, index)
        func withID(_ response: HTTPResponse) -> HTTPResponse {
            var response = response
            response.headers.append(("x-ms-request-id", requestID))
            return response
        }
        switch behaviour {
        case .healthy:
            // Latency jitter of a healthy service: 5 to 40 ms.
            return .delay(milliseconds: 5 + index % 36, then: .respond(withID(content(target, page))))
        case .gatewayTimeout(let milliseconds):
            return .delay(milliseconds: milliseconds, then: .respond(withID(.status(504))))
        case .blankPage:
            return .respond(withID(.html(Pages.blank)))
        case .errorPage:
            return .respond(withID(.html(Pages.error)))
        case .slow(let milliseconds):
            return .delay(milliseconds: milliseconds, then: .respond(withID(content(target, page))))
        case .hang:
            return .hang
        }
    }

    private func content(_ target: Scenario.Target, _ page: String) -> HTTPResponse {
        guard target == .api else { return .html(page) }
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: page))
    }

    /// Microsoft Graph's service health in the scenario: "Identity Service" says
    /// `serviceDegradation` with issue MO1329260 (its start back-dated to the onset) from the
    /// acknowledgement until the status page clears; behind a token of `oauth`.
    func graph(_ request: RequestHead, oauth: OAuthServer) -> HTTPResponse {
        let bearer = request.bearerToken
        guard let bearer, oauth.isValidAccessToken(bearer) else {
            return OAuthServer.json(
                #"{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}"#, status: 401)
        }
        let admitted = replay.phase.indicator != .none
        let issue =
            admitted
            ? #"{"id":"MO1329260","title":"Users can't access My Sign-Ins","isResolved":false,"#
                + #""startDateTime":"2026-11-30T10:00:00Z","classification":"incident"}"#
            : ""
        let identity = admitted ? "serviceDegradation" : "serviceOperational"
        return OAuthServer.json(
            #"{"value":[{"service":"Exchange Online","status":"serviceOperational","id":"Exchange","issues":[]},"#
                + #"{"service":"Identity Service","status":"\#(identity)","id":"AAD","issues":[\#(issue)]}]}"#)
    }

    /// The Statuspage summary: component "My Sign-Ins" and an incident, from the phase's
    /// indicator (none: operational, no incident).
    private func summaryPage() -> HTTPResponse {
        let indicator = replay.phase.indicator
        let component =
            switch indicator {
            case .none: "operational"
            case .minor: "degraded_performance"
            case .major: "partial_outage"
            case .critical: "major_outage"
            }
        let incident =
            indicator == .none
            ? ""
            : #"{"id":"MO1329260","name":"Users can't access My Sign-Ins","status":"investigating","#
                + #""created_at":"2026-11-30T10:00:00Z","components":[{"name":"My Sign-Ins"}]}"#
        let json =
            #"{"page":{"id":"canary-simulator","name":"Vendor status (simulated)"},"status":{"indicator":""#
            + indicator.rawValue
            + #"","description":""},"components":[{"id":"mysignins","name":"My Sign-Ins","status":""#
            + component + #""},{"id":"signin","name":"Sign-in","status":"operational"}],"incidents":["# + incident
            + "]}"
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: json + "\n"))
    }

    private func statusPage() -> HTTPResponse {
        let indicator = replay.phase.indicator
        let description =
            switch indicator {
            case .none: "All Systems Operational"
            case .minor: "Minor Service Outage"
            case .major: "Partial System Outage"
            case .critical: "Major System Outage"
            }
        let json = """
            {"page":{"id":"canary-simulator","name":"Vendor status (simulated)","time_zone":"Etc/UTC",\
            "updated_at":"\(Scenario.clockWithSeconds(replay.now))"},\
            "status":{"indicator":"\(indicator.rawValue)","description":"\(description)"}}
            """
        return HTTPResponse(
            status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: json + "\n"))
    }
}
