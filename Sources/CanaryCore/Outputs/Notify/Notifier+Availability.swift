import Foundation

extension Notifier {
    /// Envelopes per POST; a run of 10,000 probes sends ten.
    static let batchSize = 1000
    /// Item statuses Application Insights asks to resend; others (400) are dropped.
    static let resendStatuses: Set = [408, 429, 439, 500, 502, 503, 504]

    /// Sends each measured result to its probe's Application Insights targets (each
    /// connection once) as availability results, in batches; a 206 answer resends only the
    /// items it refused with a status worth retrying, and 429 or 5xx the whole batch, up to
    /// three tries within the deadline.
    /// - Parameter runs: Each result with its probe's targets.
    /// - Returns: False when any result was not accepted (reported).
    public func track(_ runs: [(result: ProbeResult, targets: [NotifyTarget])]) async -> Bool {
        await stoppable { await trackNow(runs) }
    }

    private func trackNow(_ runs: [(result: ProbeResult, targets: [NotifyTarget])]) async -> Bool {
        var order: [String] = []
        var groups: [String: (target: NotifyTarget, connection: AppInsightsConnection, items: [String])] = [:]
        for (result, targets) in runs where AvailabilityEnvelope.measured(result) {
            for target in targets {
                guard case .appInsights(let connection) = target.kind else { continue }
                let key = connection.trackURL + "\u{0}" + connection.instrumentationKey
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = (target, connection, [])
                }
                groups[key]?.items.append(
                    AvailabilityEnvelope.envelope(result, connection: connection, host: host).serialized())
            }
        }
        var accepted = true
        for key in order {
            guard let group = groups[key] else { continue }
            for start in stride(from: 0, to: group.items.count, by: Self.batchSize) {
                let batch = Array(group.items[start..<min(start + Self.batchSize, group.items.count)])
                accepted = await track(batch, target: group.target, url: group.connection.trackURL) && accepted
            }
        }
        return accepted
    }

    /// One batch, with its partial resends.
    private func track(_ items: [String], target: NotifyTarget, url: String) async -> Bool {
        var pending = items
        var dropped: [String] = []
        for attempt in 1...3 {
            let outcome = await post(url, body: "[" + pending.joined(separator: ",") + "]", tries: 3 - attempt + 1)
            guard case .delivered(let response) = outcome else {
                if case .failed(let reason) = outcome {
                    report(
                        "\(target.label): \(pending.count) of \(items.count) availability results not sent: \(reason)")
                }
                return false
            }
            guard response.status == 206 else { break }
            // An answer that does not say which items it refused leaves their fate unknown:
            // resending them all could duplicate results, so none is resent.
            guard let refused = Self.refusedItems(response.body, batch: pending.count) else {
                report(
                    "\(target.label): a 206 answer without a readable errors list; \(pending.count) of \(items.count) "
                        + "availability results may not have been accepted")
                return false
            }
            let resend = refused.filter { Self.resendStatuses.contains($0.status) }.map(\.index)
            dropped += refused.filter { !Self.resendStatuses.contains($0.status) }.map {
                $0.status == 0 ? "no status \($0.message)" : "\($0.status) \($0.message)"
            }
            pending = resend.map { pending[$0] }
            if pending.isEmpty { break }
            if attempt == 3 {
                report("\(target.label): \(pending.count) of \(items.count) availability results refused three times")
                return false
            }
            let wait = Notifier.retryAfter(response) ?? .seconds(attempt)
            guard waitFits(wait) else {
                report(
                    "\(target.label): \(pending.count) of \(items.count) availability results refused; no time left to resend"
                )
                return false
            }
            try? await Task.sleep(for: wait)
        }
        if let first = dropped.first {
            report(
                "\(target.label): \(dropped.count) of \(items.count) availability results refused: "
                    + String(redactor.redact(first).prefix(200)).escapingControlCharacters)
            return false
        }
        return true
    }

    /// The items a 206 answer refused (`errors[]` with `index`, `statusCode`, `message`),
    /// each index once, those reported as accepted (2xx) left out; `nil` when the answer
    /// is not such a list or names an index outside the batch of `batch` items.
    public static func refusedItems(_ body: [UInt8], batch: Int) -> [(index: Int, status: Int, message: String)]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let errors = object["errors"] as? [[String: Any]], !errors.isEmpty
        else { return nil }
        var seen = Set<Int>()
        var refused: [(index: Int, status: Int, message: String)] = []
        for error in errors {
            guard let index = error["index"] as? Int, (0..<batch).contains(index) else { return nil }
            let status = error["statusCode"] as? Int ?? 0
            guard seen.insert(index).inserted, !(200...299).contains(status) else { continue }
            refused.append((index, status, (error["message"] as? String) ?? ""))
        }
        return refused
    }
}
