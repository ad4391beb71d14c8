import Foundation

/// One poll of a vendor: its page's status, each component's, and its open incidents.
public struct VendorReading: Sendable, Codable, Equatable {
    /// An incident the vendor reports as open.
    public struct Incident: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        /// The components or services it names.
        public var components: [String]
        /// The vendor's own start (often back-dated): shown, never used for the lag.
        public var vendorStart: String?

        public init(id: String, title: String, components: [String] = [], vendorStart: String? = nil) {
            self.id = id
            self.title = title
            self.components = components
            self.vendorStart = vendorStart
        }
    }

    public var vendor: String
    public var status: VendorStatus
    public var components: [String: VendorStatus]
    public var incidents: [Incident]
    /// Why the vendor could not be read, when `status` is `unknown` for that reason.
    public var error: String?
    /// The class of a failed poll (`timeout`, `auth_failure`, ...); `nil` when it was read.
    public var pollClass: ProbeClass?
    public var readAt: Date
    /// When canary first saw the vendor admit a problem, by component ("" for the page),
    /// carried from reading to reading while the admission lasts.
    public var admittedSince: [String: Date]?

    public init(
        vendor: String, status: VendorStatus, components: [String: VendorStatus] = [:], incidents: [Incident] = [],
        error: String? = nil, pollClass: ProbeClass? = nil, readAt: Date = Date()
    ) {
        self.vendor = vendor
        self.status = status
        self.components = components
        self.incidents = incidents
        self.error = error
        self.pollClass = pollClass
        self.readAt = readAt
    }

    /// This reading with the admission times of `previous` carried over (and its own
    /// time for admissions that start now): the lag counts from the first poll that saw
    /// the vendor admit it, whatever polls came between two probe results.
    public func carryingAdmissions(from previous: VendorReading?) -> VendorReading {
        var next = self
        var since: [String: Date] = [:]
        for key in [""] + components.keys.sorted() {
            let said = status(of: key.isEmpty ? nil : key).status
            guard said.admitsProblem else { continue }
            since[key] = previous?.admittedSince?[key] ?? readAt
        }
        next.admittedSince = since
        return next
    }

    /// This reading with `redactor` applied to every text a vendor sent.
    public func redacted(_ redactor: Redactor) -> VendorReading {
        guard !redactor.isEmpty else { return self }
        var copy = self
        copy.components = Dictionary(components.map { (redactor.redact($0.key), $0.value) }) { first, _ in first }
        copy.incidents = incidents.map { incident in
            Incident(
                id: redactor.redact(incident.id), title: redactor.redact(incident.title),
                components: incident.components.map { redactor.redact($0) },
                vendorStart: incident.vendorStart.map { redactor.redact($0) })
        }
        copy.error = error.map { redactor.redact($0) }
        return copy
    }

    /// A warning for a link naming a component this reading does not list: the names it
    /// has, with the closest; `nil` when it lists it (or could not be read).
    public func unknownComponent(_ link: VendorLink, probe: String) -> String? {
        guard error == nil, let component = link.component, !components.isEmpty,
            !components.keys.contains(where: { $0.caseInsensitiveCompare(component) == .orderedSame })
        else { return nil }
        let names = components.keys.sorted()
        let hint = Suggestion.closest(to: component, in: Set(names)).map { " (did you mean '\($0)'?)" } ?? ""
        return
            "probe \(probe): vendor \(vendor) has no component '\(component.escapingControlCharacters)'\(hint); it has: "
            + names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", ..." : "")
    }

    /// What the vendor says of `component` (its page's status without one), and the open
    /// incident that names it, if any. A component the page does not list is `unknown`.
    public func status(of component: String?) -> (status: VendorStatus, incident: Incident?) {
        guard error == nil else { return (.unknown, nil) }
        guard let component else {
            // The whole page: any open incident is an admission, whatever the indicator says.
            let incident = incidents.first
            let admits = incident != nil && (status == .operational || status == .unknown)
            return (admits ? .degraded : status, incident)
        }
        let key = components.keys.first { $0.caseInsensitiveCompare(component) == .orderedSame }
        let incident = incidents.first {
            $0.components.contains { $0.caseInsensitiveCompare(component) == .orderedSame }
        }
        var status = key.flatMap { components[$0] } ?? .unknown
        // An open incident naming it is an admission even while the component says operational.
        if incident != nil, status == .operational { status = .degraded }
        return (status, incident)
    }
}
