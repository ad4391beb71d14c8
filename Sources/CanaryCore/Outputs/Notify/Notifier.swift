import Foundation
import Synchronization

/// Delivers notices and availability results (DESIGN.md section 14): each POST bounded by
/// `timeout` and `--deadline`, retried on 429 and 5xx (honouring `Retry-After`) while
/// time is left; each failure is one line to ``onFailure``, with the target's key and
/// host only (a webhook's URL is its password).
public struct Notifier: Sendable {
    public var engine: Engine
    /// `--deadline` as an instant: no delivery runs past it.
    public var deadline: ContinuousClock.Instant?
    /// Bound on each POST, and on a `Retry-After` wait when there is no deadline.
    public var timeout: Duration = .seconds(10)
    /// Every failure line passes through it.
    public var redactor: Redactor
    /// Where canary runs: an availability result's location, unless the probe has a
    /// `location` label.
    public var host = ProcessInfo.processInfo.hostName
    public var onFailure: @Sendable (String) -> Void
    /// A signal that stops canary cancels the deliveries in flight (run and check).
    public var stop: StopSwitch?
    /// The failures reported so far (a watch's `canary_watch_notify_failures_total`),
    /// shared by the copies of this notifier.
    public let failures = FailureCount()

    /// Deliveries in flight at once.
    static let concurrency = 8

    public init(
        engine: Engine, deadline: ContinuousClock.Instant?, redactor: Redactor,
        onFailure: @escaping @Sendable (String) -> Void
    ) {
        self.engine = engine
        self.deadline = deadline
        self.redactor = redactor
        self.onFailure = onFailure
    }

    /// Delivers `notices`: those for one Alertmanager in one POST, a POST per webhook
    /// message, up to ``concurrency`` at once.
    /// - Returns: The notices delivered; the others were reported.
    public func deliver(_ notices: [Notice]) async -> [Notice] {
        await stoppable { await deliverNow(notices) }
    }

    /// `work` in a task of its own that a trip of ``stop`` cancels.
    func stoppable<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        guard let stop else { return await work() }
        let task = Task { await work() }
        stop.onTrip { task.cancel() }
        return await task.value
    }

    private func deliverNow(_ notices: [Notice]) async -> [Notice] {
        var batches: [[Notice]] = []
        var alertmanagers: [String: Int] = [:]
        for notice in notices {
            guard case .alertmanager = notice.target.kind else {
                batches.append([notice])
                continue
            }
            if let index = alertmanagers[notice.target.url] {
                batches[index].append(notice)
            } else {
                alertmanagers[notice.target.url] = batches.count
                batches.append([notice])
            }
        }
        return await withTaskGroup(of: [Notice].self) { group in
            var delivered: [Notice] = []
            for (index, batch) in batches.enumerated() {
                if index >= Self.concurrency, let done = await group.next() { delivered += done }
                group.addTask { await send(batch) ? batch : [] }
            }
            for await done in group { delivered += done }
            return delivered
        }
    }

    /// One POST of `batch` (one target), with its retries; false when it failed.
    private func send(_ batch: [Notice]) async -> Bool {
        guard let target = batch.first?.target else { return true }
        let (url, body): (String, String)
        switch target.kind {
        case .alertmanager:
            (url, body) = (NotifyTarget.joining(target.url, "/api/v2/alerts"), AlertmanagerAlerts.body(batch))
        case .webhook(.teams): (url, body) = (target.url, TeamsMessage.body(batch[0]))
        case .webhook(.slack): (url, body) = (target.url, SlackMessage.body(batch[0]))
        case .webhook(.json): (url, body) = (target.url, WebhookJSON.body(batch[0]))
        case .appInsights: return true
        }
        let outcome = await post(url, body: body, tries: 2)
        if case .failed(let reason) = outcome {
            let probes = batch.count == 1 ? "probe \(batch[0].result.probe)" : "\(batch.count) probes"
            report("\(target.label) (\(batch[0].event.rawValue), \(probes)): \(reason)")
            return false
        }
        return true
    }

    func report(_ line: String) {
        failures.add()
        onFailure(redactor.redact("notify \(line)"))
    }

    /// A count that any thread may raise and read.
    public final class FailureCount: Sendable {
        private let count = Atomic<Int>(0)

        public init() {}

        func add() { count.add(1, ordering: .relaxed) }

        public var value: Int { count.load(ordering: .relaxed) }
    }

    // MARK: Posting

    enum Outcome {
        case delivered(ObservedResponse)
        case failed(String)
    }

    /// POSTs `body` as JSON, up to `tries` times while the answer is 429, 5xx or no
    /// answer at all (not a timeout, which used the time up), waiting `Retry-After` (or a
    /// second, then two) when time is left for it.
    func post(
        _ url: String, body: String, tries: Int, accept: (ObservedResponse) -> Bool = { _ in true }
    ) async
        -> Outcome
    {
        let bytes = Array(body.utf8)
        var reason = "not sent"
        for attempt in 1...tries {
            guard let budget = timeLeft() else { return .failed("\(reason); no time left before --deadline") }
            let response = await engine.send(
                url, method: "POST", headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes,
                timeout: min(timeout, budget), maxBodyBytes: 64 << 10)
            let retryable: Bool
            // A 2xx head was received: the receiver took it, whatever became of its answer's body.
            if (200...299).contains(response.status) { return .delivered(response) }
            if let failure = response.failure {
                reason =
                    failure.category == .timeout
                    ? "no answer within \(Units.format(min(timeout, budget)))" : failure.message
                retryable = failure.category != .timeout && failure.category != .cancelled
            } else {
                // Redacted whole, then cut: a secret echoed across the cut is still found.
                let answer = Self.excerpt(redactor.redact(String(decoding: response.body, as: UTF8.self)))
                reason = "HTTP \(response.status)" + (answer.isEmpty ? "" : " \(answer)")
                retryable = response.status == 429 || (500...599).contains(response.status)
            }
            guard retryable, attempt < tries else {
                return .failed(reason + (attempt > 1 ? " (after \(attempt) tries)" : ""))
            }
            let asked = Self.retryAfter(response)
            let wait = asked ?? .seconds(attempt)
            guard waitFits(wait) else {
                let why =
                    asked.map { "it asks for a wait of \(Units.format($0))" }
                    ?? "a retry would come \(Units.format(wait)) later"
                return .failed("\(reason); not retried: \(why), past the time left")
            }
            try? await Task.sleep(for: wait)
        }
        return .failed(reason)
    }

    /// Whether waiting `wait` before a retry leaves time for it: before the deadline (with
    /// 100 ms to spare), or within ``timeout`` without one.
    func waitFits(_ wait: Duration) -> Bool {
        wait <= (deadline.map { $0 - ContinuousClock.now - .milliseconds(100) } ?? timeout)
    }

    /// Time left for a POST: until the deadline (at least 200 ms, so a run already at it
    /// still tries once), or ``timeout``; `nil` once past the deadline by more than that.
    private func timeLeft() -> Duration? {
        guard let deadline else { return timeout }
        let left = deadline - ContinuousClock.now
        return left > .zero ? max(left, .milliseconds(200)) : nil
    }

    /// The first 200 characters of an answer, already redacted, without half a
    /// `[redacted]` mark at the cut.
    static func excerpt(_ text: String) -> String {
        var cut = String(text.trimmingWhitespace().prefix(200))
        if let open = cut.lastIndex(of: "["), !cut[open...].contains("]"), "[redacted]".hasPrefix(cut[open...]) {
            cut = String(cut[..<open])
        }
        return cut.escapingControlCharacters
    }

    /// `Retry-After` in seconds or as an HTTP date.
    static func retryAfter(_ response: ObservedResponse) -> Duration? {
        guard let value = response.header("Retry-After")?.trimmingWhitespace(), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        // All digits but past Int: a wait too long to honour, not a malformed header.
        if value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber) { return .seconds(315_360_000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }
}
