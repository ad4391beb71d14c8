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
    }

    private let page = Mutex(Page())

    public init() {}

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

    func action(for path: String) -> SimulatorAction? {
        switch path {
        case "/vendor/api/v2/summary.json": .respond(Self.json(summary()))
        case "/vendor/portal":
            page.withLock(\.portalFailing) ? .respond(.status(504)) : .respond(.html(Pages.ok))
        case "/vendor/state.json":
            .respond(Self.json(page.withLock { #"{"state":"\#($0.components.first?.status ?? "operational")"}"# }))
        default: nil
        }
    }

    private func summary() -> String {
        page.withLock { page in
            let components = page.components.map {
                #"{"id":"c-\#($0.name.count)","name":"\#($0.name)","status":"\#($0.status)"}"#
            }
            let incidents = page.incidents.map { incident in
                let named = incident.components.map { #"{"name":"\#($0)"}"# }.joined(separator: ",")
                return
                    #"{"id":"\#(incident.id)","name":"\#(incident.name)","status":"investigating","created_at":"2026-11-30T10:45:00Z","components":[\#(named)]}"#
            }
            return
                #"{"page":{"id":"sim","name":"Simulated vendor"},"status":{"indicator":"\#(page.indicator)","description":""},"components":[\#(components.joined(separator: ","))],"incidents":[\#(incidents.joined(separator: ","))]}"#
        }
    }

    private static func json(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: text))
    }
}
