import Curl
import Foundation

/// Runs probes: many at once on one ``CurlClient``, each probe's attempts in turn, all
/// inside an optional hard deadline. Returns values; prints nothing.
public struct Engine: Sendable {
    /// How a run is bounded.
    public struct Options: Sendable {
        /// Probes in flight at once.
        public var concurrency: Int
        /// A hard bound on the whole run: attempts in flight are cut at it, probes not yet
        /// started are reported as not run.
        public var deadline: Duration?
        /// When the bound started counting: by default the run's start; a command passes
        /// its process's start so the bound covers loading and reporting too.
        public var deadlineStart: ContinuousClock.Instant?
        /// Time kept back from the deadline for whatever follows the run (writing reports).
        public var deadlineReserve: Duration = .zero
        /// Labels added to every probe's labels, overriding the file's.
        public var labels: [String: String]

        public init(concurrency: Int = 32, deadline: Duration? = nil, labels: [String: String] = [:]) {
            self.concurrency = concurrency
            self.deadline = deadline
            self.labels = labels
        }
    }

    /// Called after each probe finishes with (finished, total, failing so far).
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ failing: Int) -> Void

    let client: CurlClient
    /// TOTP codes already sent, so that no attempt sends one twice.
    let totpLedger = TOTPLedger()
    /// OAuth2 access tokens, reused by every attempt and step until they expire.
    let tokens = TokenCache()
    /// Secrets each probe's attempts learnt, hidden in its later attempts too.
    let learnt = LearntSecrets()

    public init(client: CurlClient) {
        self.client = client
    }

    /// Runs every probe once and returns the report, each probe judged alone (without
    /// run state), secrets already redacted.
    public func run(
        _ probes: [ProbeSpec], redactor: Redactor = .none, options: Options = Options(), progress: Progress? = nil
    ) async -> RunReport {
        RunReport(judgingAlone: await measure(probes, redactor: redactor, options: options, progress: progress))
    }

    /// Runs every probe once and returns what it measured, secrets already redacted.
    /// - Parameters:
    ///   - probes: The probes, usually a ``ProbeSet``'s.
    ///   - redactor: Removes secret values from every text of the report.
    ///   - options: Concurrency, deadline and extra labels.
    ///   - progress: Told after each probe finishes.
    /// - Returns: A run per probe, in the order given; those a deadline or a stop left
    ///   unrun are `not_run`.
    public func measure(
        _ probes: [ProbeSpec], redactor: Redactor = .none, options: Options = Options(), progress: Progress? = nil
    ) async -> RunMeasurement {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = options.deadline.map { (options.deadlineStart ?? start) + $0 - options.deadlineReserve }
        var results = [ProbeRun?](repeating: nil, count: probes.count)
        var failing = 0
        var done = 0
        await withTaskGroup(of: (Int, ProbeRun).self) { group in
            var next = 0
            func startNext() {
                // Cancelled (canary stopped by a signal) or past the deadline: no more probes.
                guard next < probes.count, !Task.isCancelled, deadline.map({ clock.now < $0 }) ?? true else {
                    return
                }
                let index = next
                next += 1
                group.addTask {
                    (index, await probe(probes[index], deadline: deadline, labels: options.labels, redactor: redactor))
                }
            }
            for _ in 0..<max(1, options.concurrency) { startNext() }
            for await (index, result) in group {
                results[index] = result
                done += 1
                if result.severity.isFailing { failing += 1 }
                progress?(done, probes.count, failing)
                startNext()
            }
        }
        let stopped = Task.isCancelled
        let reason = (stopped ? Interruption.stopped : .deadline(options.deadline)).reason
        let final = zip(probes, results).map { spec, result in
            result ?? Self.notRun(spec, labels: options.labels, reason: reason)
        }
        // Also those stopped before their first attempt.
        let unrun = final.count { $0.attempts.isEmpty }
        return RunMeasurement(
            runs: final, startedAt: startedAt, duration: (clock.now - start).seconds, unrunProbes: unrun,
            deadline: options.deadline, stopped: stopped
        ).redacted(redactor)
    }

    /// Runs one probe: its attempts in turn, spaced, each bounded by the probe's timeout
    /// and by the deadline.
    /// - Parameters:
    ///   - spec: The probe.
    ///   - deadline: Attempts end by then; none starts after it.
    ///   - labels: Added to the probe's labels.
    ///   - redactor: Secrets to hide in the texts cut from responses.
    ///   - stopping: Asked before each attempt after the first; true ends the run early
    ///     (a graceful stop lets the attempt in flight finish but starts no other).
    ///   - wholeAttempts: Start no attempt that could not run out its whole timeout before
    ///     the deadline (a bounded watch), rather than one the deadline would cut short.
    /// - Returns: The probe's run: every attempt and the class judged from them.
    public func probe(
        _ spec: ProbeSpec, deadline: ContinuousClock.Instant? = nil, labels: [String: String] = [:],
        redactor: Redactor = .none, stopping: (@Sendable () -> Bool)? = nil, wholeAttempts: Bool = false
    ) async -> ProbeRun {
        let clock = ContinuousClock()
        let start = clock.now
        let startedAt = Date()
        var attempts: [AttemptResult] = []
        for number in 1...max(1, spec.attempts) {
            if Task.isCancelled { break }
            if number > 1 {
                let pause = deadline.map { min(spec.attemptSpacing, $0 - clock.now) } ?? spec.attemptSpacing
                if pause > .zero, stopping?() != true { try? await Task.sleep(for: pause) }
                if stopping?() == true || Task.isCancelled { break }
            }
            let left = deadline.map { $0 - clock.now }
            if let left, left <= .zero || (wholeAttempts && left < spec.timeout) { break }
            let timeout = left.map { min($0, spec.timeout) } ?? spec.timeout
            attempts.append(await attempt(spec, timeout: timeout, redactor: redactor))
            if Task.isCancelled { break }
        }
        // What one attempt learnt may show in another's evidence (an echo of an earlier token).
        let known = learnt.secrets(for: spec.name)
        if !known.isEmpty {
            let hiding = redactor.adding(secrets: known)
            attempts = attempts.map { $0.redacted(hiding) }
        }
        let verdict = Classifier.judgeRun(attempts, intermittentSeverity: spec.intermittent)
        return ProbeRun(
            probe: spec.name,
            file: spec.file,
            url: spec.url,
            labels: spec.labels.merging(labels) { _, new in new },
            probeClass: verdict.probeClass,
            severity: verdict.severity,
            intermittent: verdict.intermittent,
            message: attempts.isEmpty
                ? "not run: \((Task.isCancelled ? Interruption.stopped : .deadline(nil)).reason) before the first attempt"
                : verdict.message,
            startedAt: startedAt,
            duration: (clock.now - start).seconds,
            attempts: attempts,
            plannedAttempts: spec.attempts,
            latency: spec.expect.latency
        )
    }

    /// The result of a probe that `--deadline` left unrun.
    static func notRun(_ spec: ProbeSpec, labels: [String: String], reason: String) -> ProbeRun {
        ProbeRun(
            probe: spec.name,
            file: spec.file,
            url: spec.url,
            labels: spec.labels.merging(labels) { _, new in new },
            probeClass: .notRun,
            severity: .unknown,
            intermittent: false,
            message: "not run: \(reason) before this probe started",
            startedAt: Date(),
            duration: 0,
            attempts: [],
            plannedAttempts: spec.attempts,
            latency: spec.expect.latency
        )
    }
}
