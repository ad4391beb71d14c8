import Foundation

extension ProbeState {
    /// Puts the vendor's reading beside this probe's alerting, at `now`, and keeps what
    /// the comparison needs across runs: the alert start, the vendor's admission, the lag
    /// (measured once per alerting episode, from canary's own times: never the vendor's
    /// back-dated start).
    mutating func compare(_ link: VendorLink, reading: VendorReading?, now: Date) -> VendorView {
        let said = reading?.status(of: link.component) ?? (.unknown, nil)
        if said.status != vendorStatus {
            vendorStatus = said.status
            vendorStatusSince = reading?.readAt ?? now
        }
        if said.status.admitsProblem {
            vendorAdmittedSince = vendorAdmittedSince ?? reading?.readAt ?? now
        } else if said.status == .operational {
            vendorAdmittedSince = nil
        }
        if alerting {
            alertingSince = alertingSince ?? now
            if vendorLag == nil, let admitted = vendorAdmittedSince, let since = alertingSince {
                vendorLag = admitted.timeIntervalSince(since)
            }
        } else {
            alertingSince = nil
            vendorLag = nil
        }
        let disagreement =
            alerting && said.status == .operational ? max(0, now.timeIntervalSince(alertingSince ?? now)) : 0
        return VendorView(
            name: link.vendor, component: link.component, status: said.status, since: vendorStatusSince,
            incident: said.incident, lagSeconds: vendorLag, disagreementSeconds: disagreement, error: reading?.error,
            pollClass: reading?.pollClass)
    }
}
