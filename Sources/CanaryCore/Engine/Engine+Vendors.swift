import Foundation

extension Engine {
    /// Polls a vendor once, within its timeout and before `deadline`. A vendor that cannot
    /// be read (no answer, an error status, not its document, an incomplete one) is
    /// `unknown`, with the class and message of why: never `operational`. Every text it
    /// sent is redacted of the probe files' secrets and of the poll's own token.
    /// - Parameters:
    ///   - source: The vendor.
    ///   - deadline: No poll runs past it.
    ///   - redactor: Hides the probe files' secrets.
    /// - Returns: What the vendor says now.
    public func poll(
        _ source: VendorSource, deadline: ContinuousClock.Instant? = nil, redactor: Redactor = .none
    ) async -> VendorReading {
        let left = min(deadline.map { $0 - ContinuousClock.now } ?? source.timeout, source.timeout)
        guard left > .milliseconds(10) else {
            return VendorReading(
                vendor: source.name, status: .unknown, error: "not polled: \(Interruption.deadline(nil).reason)",
                pollClass: .notRun)
        }
        var context = AttemptContext(redactor: redactor)
        var reading = await read(source, left: left, context: &context)
        // A poll --deadline cut short says nothing of the vendor.
        if reading.pollClass == .timeout, left < source.timeout {
            reading.pollClass = .notRun
            reading.error = (reading.error ?? "") + " (cut short by --deadline)"
        }
        return reading.redacted(context.redactor)
    }

    private func read(_ source: VendorSource, left: Duration, context: inout AttemptContext) async -> VendorReading {
        let start = ContinuousClock.now
        func unknown(_ message: String, _ probeClass: ProbeClass) -> VendorReading {
            VendorReading(vendor: source.name, status: .unknown, error: message, pollClass: probeClass)
        }
        var authorization: String?
        if let basic = source.auth.basic {
            authorization = basic.headerValue
        } else if let settings = source.auth.oauth2 {
            let key = "vendor " + source.name
            if let cached = tokens.token(for: key, settings: settings) {
                authorization = "Bearer " + cached
                context.set("vendor#token", to: cached, secret: true)
            } else {
                switch await fetchToken(key, settings, timeout: left, context: &context) {
                case .success(let token): authorization = "Bearer " + token
                case .failure(let failure): return unknown(failure.result.message, failure.result.probeClass)
                }
            }
        }
        let origin = ParsedURL(source.documentURL)?.origin
        var url = source.documentURL
        var seen: Set<String> = []
        var merged: VendorReading?
        // Graph pages through @odata.nextLink; the others are one document.
        for _ in 0..<Self.maxVendorPages {
            seen.insert(url)
            var step = Step(url: url)
            step.headers = [("Accept", "application/json")] + (authorization.map { [("Authorization", $0)] } ?? [])
            step.secretHeaders = ["authorization"]
            step.sameOriginRedirects = true
            step.maxRedirects = 5
            step.checksCredentials = true
            step.maxBodyBytes = 4 << 20
            let remaining = left - (ContinuousClock.now - start)
            guard remaining > .milliseconds(10) else { return unknown("timed out reading every page", .timeout) }
            let response = await perform(step, timeout: remaining)
            guard response.failure == nil, (200..<300).contains(response.status) else {
                let check = Classifier.classify(response, step: step, startedAt: Date(), redactor: context.redactor)
                // A redirect not followed (to another origin) is no answer either.
                let probeClass = check.probeClass == .ok ? ProbeClass.unexpectedStatus : check.probeClass
                return unknown(check.message, probeClass)
            }
            guard source.kind == .microsoft365 else {
                guard let reading = VendorDocument.read(response.body, source: source) else {
                    let what =
                        source.kind == .statuspage
                        ? "a Statuspage summary" : "a status at \(source.statusPath?.description ?? "$")"
                    return unknown("HTTP \(response.status) but not \(what)", .contentMismatch)
                }
                return reading
            }
            guard let page = VendorDocument.graphPage(response.body, vendor: source.name, at: Date()) else {
                return unknown("HTTP \(response.status) but not Graph's healthOverviews", .contentMismatch)
            }
            var next = merged ?? VendorReading(vendor: source.name, status: .operational)
            next.components.merge(page.reading.components) { _, new in new }
            next.incidents += page.reading.incidents
            merged = next
            guard let link = page.next else {
                next.status = VendorStatus.overall(next.components.values)
                next.readAt = Date()
                return next
            }
            // An incomplete reading is no reading: never operational for want of a page.
            guard ParsedURL(link)?.origin == origin else {
                return unknown(
                    "a next page on another origin was not followed (the token stays with Graph)", .protocolError)
            }
            guard !seen.contains(link) else {
                return unknown("the next page links back to a page already read", .protocolError)
            }
            url = link
        }
        return unknown("more than \(Self.maxVendorPages) pages", .responseTooLarge)
    }

    /// The most pages of one poll.
    static let maxVendorPages = 20
}

extension Engine {
    /// Polls every vendor of `sources` at once, within `deadline`.
    /// - Returns: A reading per source, in order.
    public func poll(
        _ sources: [VendorSource], deadline: ContinuousClock.Instant?, redactor: Redactor
    ) async -> [VendorReading] {
        await withTaskGroup(of: (Int, VendorReading).self) { group in
            for (index, source) in sources.enumerated() {
                group.addTask { (index, await poll(source, deadline: deadline, redactor: redactor)) }
            }
            var readings = [VendorReading?](repeating: nil, count: sources.count)
            for await (index, reading) in group { readings[index] = reading }
            return readings.compactMap { $0 }
        }
    }
}
