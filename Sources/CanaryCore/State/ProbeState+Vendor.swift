import Foundation

extension ProbeState {
    /// Puts the vendor's reading beside this probe's alerting, at `now`, and keeps what
    /// the comparison needs across runs: the alert start, the vendor's admission (the
    /// first poll that saw it), the lag (measured once per alerting episode, from canary's
    /// own times: never the vendor's back-dated start).
    mutating func compare(_ link: VendorLink, reading: VendorReading?, now: Date) -> VendorView {
        let said = reading?.status(of: link.component) ?? (.unknown, nil)
        if said.status != vendorStatus {
            vendorStatus = said.status
            vendorStatusSince = reading?.readAt ?? now
        }
        if said.status.admitsProblem {
            vendorAdmittedSince =
                reading?.admittedSince?[link.component ?? ""] ?? vendorAdmittedSince ?? reading?.readAt ?? now
        } else if said.status == .operational {
            vendorAdmittedSince = nil
        }
        // A clock set back leaves times in the future: they start again from now.
        if let since = alertingSince, since > now { alertingSince = now }
        if let since = vendorStatusSince, since > now { vendorStatusSince = now }
        if alerting {
            alertingSince = alertingSince ?? now
            if vendorLag == nil, let admitted = vendorAdmittedSince, let since = alertingSince {
                // To the millisecond: both seen in one run are microseconds apart, which is
                // no lag (and no -7.3e-05 in the metrics).
                vendorLag = (admitted.timeIntervalSince(since) * 1000).rounded() / 1000 + 0
            }
        } else {
            alertingSince = nil
            vendorLag = nil
        }
        // Only the time the vendor has said operational while the probe alerts: not the
        // time it admitted it, nor the time it could not be read.
        var disagreement = 0.0
        if alerting, said.status == .operational, let since = alertingSince {
            disagreement = max(0, now.timeIntervalSince(max(since, vendorStatusSince ?? since)))
        }
        return VendorView(
            name: link.vendor, component: link.component, status: said.status, since: vendorStatusSince,
            incident: said.incident, lagSeconds: vendorLag, disagreementSeconds: disagreement, error: reading?.error,
            pollClass: reading?.pollClass)
    }
}
