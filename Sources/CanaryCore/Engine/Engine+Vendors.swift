import Foundation

extension Engine {
    /// Polls a vendor once, within its timeout and before `deadline`. A vendor that cannot
    /// be read (no answer, an error status, not its document) is `unknown`, with the class
    /// and message of why: never `operational`.
    /// - Parameters:
    ///   - source: The vendor.
    ///   - deadline: No poll runs past it.
    ///   - redactor: Hides the probe files' secrets in the reading's error.
    /// - Returns: What the vendor says now.
    public func poll(
        _ source: VendorSource, deadline: ContinuousClock.Instant? = nil, redactor: Redactor = .none
    ) async -> VendorReading {
        let left = deadline.map { $0 - ContinuousClock.now } ?? source.timeout
        guard left > .milliseconds(10) else {
            return VendorReading(
                vendor: source.name, status: .unknown, error: "not polled: \(Interruption.deadline(nil).reason)",
                pollClass: .notRun)
        }
        if source.kind == .microsoft365 { return await pollGraph(source, left: left, redactor: redactor) }
        var step = Step(url: source.documentURL)
        step.maxBodyBytes = 4 << 20
        step.maxRedirects = 5
        step.headers = [("Accept", "application/json")]
        step.expect.status = StatusSet.defaultSuccess
        let response = await perform(step, timeout: min(left, source.timeout))
        guard response.failure == nil, (200..<300).contains(response.status) else {
            let check = Classifier.classify(response, step: step, startedAt: Date(), redactor: redactor)
            let message: String = redactor.redact(check.message)
            return VendorReading(vendor: source.name, status: .unknown, error: message, pollClass: check.probeClass)
        }
        guard let reading = VendorDocument.read(response.body, source: source) else {
            let what =
                source.kind == .statuspage
                ? "a Statuspage summary" : "a status at \(source.statusPath?.description ?? "$")"
            return VendorReading(
                vendor: source.name, status: .unknown, error: "HTTP \(response.status) but not \(what)",
                pollClass: .contentMismatch)
        }
        return reading
    }
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
