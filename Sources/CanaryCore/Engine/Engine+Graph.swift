import Foundation

extension Engine {
    /// Polls Microsoft 365 Service Health: a token from the vendor's `auth.oauth2` (cached
    /// like a probe's), then every page of `healthOverviews?$expand=issues` (`@odata.nextLink`,
    /// within the same origin, 20 pages at most), all within `left`.
    func pollGraph(_ source: VendorSource, left: Duration, redactor: Redactor) async -> VendorReading {
        let start = ContinuousClock.now
        func unknown(_ message: String, _ probeClass: ProbeClass) -> VendorReading {
            VendorReading(vendor: source.name, status: .unknown, error: message, pollClass: probeClass)
        }
        guard let settings = source.auth.oauth2 else { return unknown("no auth.oauth2 to read it with", .notRun) }
        var context = AttemptContext(redactor: redactor)
        let key = "vendor " + source.name
        let token: String
        if let cached = tokens.token(for: key, settings: settings) {
            token = cached
        } else {
            switch await fetchToken(key, settings, timeout: min(left, source.timeout), context: &context) {
            case .success(let fetched): token = fetched
            case .failure(let failure): return unknown(failure.result.message, failure.result.probeClass)
            }
        }
        context.set("vendor#token", to: token, secret: true)
        let origin = ParsedURL(source.documentURL)?.origin
        var url = source.documentURL
        var merged = VendorReading(vendor: source.name, status: .operational)
        for _ in 0..<20 {
            var step = Step(url: url)
            step.headers = [("Accept", "application/json"), ("Authorization", "Bearer " + token)]
            step.secretHeaders = ["authorization"]
            step.sameOriginRedirects = true
            step.checksCredentials = true
            step.maxBodyBytes = 4 << 20
            let remaining = min(left, source.timeout) - (ContinuousClock.now - start)
            guard remaining > .milliseconds(10) else { return unknown("timed out reading every page", .timeout) }
            let response = await perform(step, timeout: remaining)
            guard response.failure == nil, (200..<300).contains(response.status) else {
                let check = Classifier.classify(response, step: step, startedAt: Date(), redactor: context.redactor)
                return unknown(check.message, check.probeClass)
            }
            guard let page = VendorDocument.graphPage(response.body, vendor: source.name, at: Date()) else {
                return unknown("HTTP \(response.status) but not Graph's healthOverviews", .contentMismatch)
            }
            merged.components.merge(page.reading.components) { _, new in new }
            merged.incidents += page.reading.incidents
            guard let next = page.next, ParsedURL(next)?.origin == origin else { break }
            url = next
        }
        merged.status =
            merged.components.isEmpty
            ? .unknown : merged.components.values.reduce(VendorStatus.operational) { VendorStatus.worse($0, $1) }
        merged.readAt = Date()
        return merged
    }
}
