import Foundation
import NIOCore
import Synchronization

/// A vendor's status page whose word a test sets: an Atlassian Statuspage v2 summary at
/// `/vendor/api/v2/summary.json`, the same status as `{"state": ...}` at
/// `/vendor/state.json` for a `json` vendor, and the vendor's service itself at
/// `/vendor/portal` (200, or 504 once a test says it fails).
public final class VendorPage: Sendable {
    private struct Page {
        var indicator = "none"
        var components: [(name: String, status: String)] = [("My Sign-Ins", "operational"), ("Sign-in", "operational")]
        var incidents: [(id: String, name: String, components: [String])] = []
        var portalFailing = false
        /// Graph's services and their statuses, and open issues by service.
        var services: [(name: String, status: String)] = [
            ("Exchange Online", "serviceOperational"), ("Identity Service", "serviceOperational"),
            ("Microsoft Teams", "serviceOperational"), ("SharePoint Online", "serviceOperational"),
            ("Microsoft 365 apps", "serviceOperational"),
        ]
        var issues: [(id: String, title: String, service: String)] = []
        /// Graph refuses every token (a missing ServiceHealth.Read.All, say).
        var refuseTokens = false
    }

    private let page = Mutex(Page())
    /// Whose tokens the Graph form accepts.
    private let oauth: OAuthServer?

    public init(oauth: OAuthServer? = nil) {
        self.oauth = oauth
    }

    /// Sets a Graph service's status, as Graph writes it (`serviceDegradation`, ...).
    public func setService(_ name: String, _ status: String) {
        page.withLock { page in
            if let index = page.services.firstIndex(where: { $0.name == name }) {
                page.services[index].status = status
            } else {
                page.services.append((name, status))
            }
        }
    }

    /// Makes Graph answer 401 to every token, or not.
    public func setRefuseTokens(_ refuse: Bool) {
        page.withLock { $0.refuseTokens = refuse }
    }

    /// Opens a Graph issue on `service`.
    public func openIssue(id: String, title: String, service: String) {
        page.withLock { $0.issues.append((id, title, service)) }
    }

    /// Sets a component's status, in Statuspage's words (`degraded_performance`, ...).
    public func setComponent(_ name: String, _ status: String) {
        page.withLock { page in
            if let index = page.components.firstIndex(where: { $0.name == name }) {
                page.components[index].status = status
            } else {
                page.components.append((name, status))
            }
        }
    }

    /// Sets the page indicator (`none`, `minor`, `major`, `critical`).
    public func setIndicator(_ indicator: String) {
        page.withLock { $0.indicator = indicator }
    }

    /// Opens an incident naming `components`.
    public func openIncident(id: String, name: String, components: [String]) {
        page.withLock { $0.incidents.append((id, name, components)) }
    }

    /// Makes `/vendor/portal` (the vendor's service, as a probe sees it) answer 504, or 200.
    public func setPortalFailing(_ failing: Bool) {
        page.withLock { $0.portalFailing = failing }
    }

    /// Resolves every incident and makes every component operational.
    public func resolveAll() {
        page.withLock { page in
            page.incidents = []
            page.indicator = "none"
            page.components = page.components.map { ($0.name, "operational") }
        }
    }

    func action(for request: RequestHead) -> SimulatorAction? {
        let path = request.path
        if path == "/graph/v1.0/admin/serviceAnnouncement/healthOverviews" { return .respond(graph(request)) }
        switch path {
        case "/vendor/api/v2/summary.json": return .respond(Self.json(summary()))
        case "/vendor/portal":
            let failing = page.withLock { $0.portalFailing }
            return .respond(failing ? HTTPResponse.status(504) : HTTPResponse.html(Pages.ok))
        case "/vendor/state.json":
            return .respond(
                Self.json(page.withLock { #"{"state":"\#($0.components.first?.status ?? "operational")"}"# }))
        default: return nil
        }
    }

    private func summary() -> String {
        page.withLock { page in
            let components = page.components.map {
                #"{"id":"c-\#($0.name.count)","name":\#(Self.quoted($0.name)),"status":"\#($0.status)"}"#
            }
            let incidents = page.incidents.map { incident in
                let named = incident.components.map { #"{"name":"\#($0)"}"# }.joined(separator: ",")
                return
                    #"{"id":\#(Self.quoted(incident.id)),"name":\#(Self.quoted(incident.name)),"status":"investigating","created_at":"2026-11-30T10:45:00Z","components":[\#(named)]}"#
            }
            return
                #"{"page":{"id":"sim","name":"Simulated vendor"},"status":{"indicator":"\#(page.indicator)","description":""},"components":[\#(components.joined(separator: ","))],"incidents":[\#(incidents.joined(separator: ","))]}"#
        }
    }

    /// Graph's `healthOverviews?$expand=issues`, two services a page, behind a bearer token.
    private func graph(_ request: RequestHead) -> HTTPResponse {
        let bearer = request.bearerToken
        guard let bearer, oauth?.isValidAccessToken(bearer) == true, !page.withLock(\.refuseTokens) else {
            return HTTPResponse(
                status: 401, headers: [("Content-Type", "application/json")],
                body: ByteBuffer(
                    string: #"{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}"#))
        }
        let skip = request.query.int("$skiptoken", default: 0, in: 0...1000)
        return page.withLock { page in
            let slice = page.services.dropFirst(skip).prefix(2)
            let values = slice.map { service in
                let issues = page.issues.filter { $0.service == service.name }.map { issue in
                    #"{"id":\#(Self.quoted(issue.id)),"title":\#(Self.quoted(issue.title)),"isResolved":false,"startDateTime":"2026-11-30T09:50:00Z","classification":"incident"}"#
                }
                return
                    #"{"service":\#(Self.quoted(service.name)),"status":"\#(service.status)","id":\#(Self.quoted(service.name)),"issues":[\#(issues.joined(separator: ","))]}"#
            }
            let host = request.header("Host") ?? "127.0.0.1"
            let next =
                skip + 2 < page.services.count
                ? #","@odata.nextLink":"http://\#(host)/graph/v1.0/admin/serviceAnnouncement/healthOverviews?$expand=issues&$skiptoken=\#(skip + 2)""#
                : ""
            return Self.json(#"{"value":[\#(values.joined(separator: ","))]\#(next)}"#)
        }
    }

    /// `text` as a JSON string, quotes included.
    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func json(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: text))
    }
}
