import Foundation

/// The Prometheus text of a run (DESIGN.md section 7): blackbox_exporter-compatible
/// `probe_*` families and canary's own `canary_*`, for node_exporter's textfile
/// collector and the Pushgateway.
public enum PrometheusReport {
    /// What the run-level samples carry besides the probes.
    public struct Run: Sendable {
        /// `--label` labels: on the run-level samples (the probes already carry them).
        public var labels: [String: String]
        public var timestamp: Date
        public var duration: Double
        /// False when (re)loading the probe files failed; `watch` then goes on with the old ones.
        public var configLoaded: Bool

        public init(labels: [String: String] = [:], timestamp: Date, duration: Double, configLoaded: Bool = true) {
            self.labels = labels
            self.timestamp = timestamp
            self.duration = duration
            self.configLoaded = configLoaded
        }
    }

    /// The whole exposition text of a run whose probe files loaded.
    /// - Parameters:
    ///   - report: The run.
    ///   - run: What the run-level samples carry.
    ///   - cache: Keeps each probe's samples between renders (a watch's flushes): only the
    ///     probes whose result changed are rendered again.
    /// - Returns: The text, families in a fixed order, probes in the report's order.
    public static func render(_ report: RunReport, run: Run, cache: PrometheusCache? = nil) -> String {
        pieces(report, run: run, cache: cache).text
    }

    /// ``render(_:run:cache:)`` in pieces, to be written one after another: a family's
    /// header, then each probe's samples as rendered (or kept in `cache`), never joined.
    /// - Parameters:
    ///   - report: The run.
    ///   - run: What the run-level samples carry.
    ///   - cache: Keeps each probe's samples between renders.
    ///   - after: Text to end with (a watch's own families).
    /// - Returns: The pieces, read in order.
    public static func pieces(
        _ report: RunReport, run: Run, cache: PrometheusCache? = nil, after: String = ""
    ) -> Pieces {
        // Joined only when there is something to join: a watch has no probe not due, and
        // a copy of 20,000 results is 8 MB.
        let results = report.notDue.isEmpty ? report.results : report.results + report.notDue
        let labelNames = labelNames(results, run: run)
        let perProbe = results.map { result in
            cache?.samples(result, labelNames: labelNames) {
                samples(result, labelNames: labelNames, report: report)
            } ?? samples(result, labelNames: labelNames, report: report)
        }
        cache?.keep(only: results.map(\.probe))
        // The step and vendor families exist only where a journey ran or a vendor is linked.
        let families = probeFamilies.indices.filter { index in
            !probeFamilies[index].onlyWithSamples || perProbe.contains { !$0.isEmpty(index) }
        }
        let headers = families.map { familyHeaders[$0] }
        var writer = Exposition()
        vendorFamilies(&writer, report.vendors, run: run)
        runFamilies(&writer, run: run, configLoaded: run.configLoaded)
        writer.append(after)
        return Pieces(families: families, headers: headers, lines: ProbeLines(perProbe), tail: writer.text)
    }

    /// One piece of the text: a header or the run's families, or one family's lines of a
    /// run of probes (``Pieces/probesPerPiece`` of them), written as they are read.
    public enum Piece: TextPiece, Sendable {
        case text(Substring)
        case probes(ProbeLines, family: Int, range: Range<Int>)

        public func append(to bytes: inout [UInt8]) {
            switch self {
            case .text(let text): bytes.append(contentsOf: text.utf8)
            case .probes(let lines, let family, let range): lines.append(family, of: range, to: &bytes)
            }
        }
    }

    /// Every probe's samples, shared by the pieces that write them.
    public final class ProbeLines: Sendable {
        let samples: [ProbeSamples]

        init(_ samples: [ProbeSamples]) {
            self.samples = samples
        }

        /// The lines of `family` of the probes in `range`, one after another.
        func append(_ family: Int, of range: Range<Int>, to bytes: inout [UInt8]) {
            if PrometheusReport.perClassSlots[family] != nil {
                for probe in range { samples[probe].appendPerClass(family, to: &bytes) }
            } else {
                for probe in range { samples[probe].appendFamily(family, to: &bytes) }
            }
        }
    }

    /// The exposition text in pieces, made as they are read: each family's header, then
    /// its lines, ``probesPerPiece`` probes a piece, then the run's families. Nothing is
    /// gathered first: at 20,000 probes an array of the slices took 19 MB.
    public struct Pieces: Collection, Sendable {
        /// Probes whose lines of a family make one piece: few pieces (a piece a probe and
        /// family was 240,000 pieces a scrape at 10,000 probes), none large (a per-class
        /// family's lines of 64 probes are about 100 KB).
        static let probesPerPiece = 64

        /// The families written (indices into the probe families), their headers, each
        /// probe's samples, and the vendor and run families after them.
        let families: [Int]
        let headers: [String]
        let lines: ProbeLines
        let tail: String

        /// A family's header (`chunk` -1) or its lines of one run of probes; past the last
        /// family, the tail.
        public struct Index: Comparable, Sendable {
            var family: Int
            var chunk: Int

            public static func < (lhs: Index, rhs: Index) -> Bool {
                (lhs.family, lhs.chunk) < (rhs.family, rhs.chunk)
            }
        }

        public var startIndex: Index { Index(family: 0, chunk: -1) }
        public var endIndex: Index { Index(family: families.count + 1, chunk: -1) }

        public subscript(position: Index) -> Piece {
            if position.family == families.count { return .text(Substring(tail)) }
            if position.chunk < 0 { return .text(Substring(headers[position.family])) }
            let start = position.chunk * Self.probesPerPiece
            return .probes(
                lines, family: families[position.family],
                range: start..<Swift.min(start + Self.probesPerPiece, lines.samples.count))
        }

        public func index(after position: Index) -> Index {
            guard position.family < families.count else { return endIndex }
            let next = position.chunk + 1
            return next * Self.probesPerPiece < lines.samples.count
                ? Index(family: position.family, chunk: next) : Index(family: position.family + 1, chunk: -1)
        }

        /// The whole text, for a push.
        public var text: String {
            String(decoding: bytes, as: UTF8.self)
        }

        /// The whole text's UTF-8 bytes, for a scrape.
        public var bytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(
                lines.samples.reduce(headers.reduce(tail.utf8.count) { $0 + $1.utf8.count }) {
                    $0 + $1.estimatedBytes
                })
            for piece in self { piece.append(to: &bytes) }
            return bytes
        }
    }

    /// One probe's sample lines, every family's in one text (a family's lines are a slice
    /// of it): one allocation a probe, sized to fit, for a watch that keeps 20,000 of them.
    /// The two families with a line per class (`canary_probe_result`, `canary_probe_attempts`:
    /// two thirds of a probe's text, nearly all of it zeros) are kept as their values and
    /// written out when read.
    public struct ProbeSamples: Sendable {
        /// Each line of the families kept as text, without what every line of a family
        /// begins with (its name and the probe's labels, added as it is written): for
        /// `probe_http_duration_seconds{probe="x",phase="tls"} 0.03`, `,phase="tls"} 0.03`
        /// and its line feed (label values escape theirs, so a line ends at the first).
        let rest: [UInt8]
        /// Where each family's lines end in ``rest`` (a per-class family's are empty).
        let ends: [UInt32]
        /// The probe's labels as every line carries them: `probe="…",team="…"`.
        let block: String
        /// Each per-class family's values, a value per class in ``ProbeClass/allCases``
        /// order, one family after the other; none for a family the probe has no samples of.
        let perClass: [UInt16]
        /// Which per-class families have values (bit `slot`).
        let perClassPresent: UInt8

        /// About the bytes its lines take (a line's name about 30, a per-class line's 50).
        var estimatedBytes: Int {
            rest.count + ends.count * (block.utf8.count + 32) + perClass.count * (block.utf8.count + 56)
        }

        func isEmpty(_ family: Int) -> Bool {
            if let slot = PrometheusReport.perClassSlots[family] { return perClassPresent & (1 << slot) == 0 }
            return ends[family] == (family == 0 ? 0 : ends[family - 1])
        }

        /// A family kept as text: its lines, each its name, the probe's labels and its rest.
        func appendFamily(_ family: Int, to bytes: inout [UInt8]) {
            let end = Int(ends[family])
            var start = family == 0 ? 0 : Int(ends[family - 1])
            guard start < end else { return }
            var block = block
            PrometheusReport.linePrefixes[family].withUnsafeBufferPointer { prefix in
                rest.withUnsafeBufferPointer { rest in
                    block.withUTF8 { block in
                        while start < end {
                            var lineEnd = start
                            while rest[lineEnd] != 0x0A { lineEnd += 1 }
                            bytes.append(contentsOf: prefix)
                            bytes.append(contentsOf: block)
                            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: rest[start...lineEnd]))
                            start = lineEnd + 1
                        }
                    }
                }
            }
        }

        /// A per-class family's lines, written as ``PrometheusReport/samples(_:labelNames:report:)``
        /// writes any family's, straight into `bytes`.
        func appendPerClass(_ family: Int, to bytes: inout [UInt8]) {
            guard let slot = PrometheusReport.perClassSlots[family], perClassPresent & (1 << slot) != 0 else { return }
            // Values of the present families before this one come first.
            let before = (0..<slot).count { perClassPresent & (1 << $0) != 0 }
            let count = PrometheusReport.classes.count
            var block = block
            PrometheusReport.linePrefixes[family].withUnsafeBufferPointer { prefix in
                PrometheusReport.classLabels.withUnsafeBufferPointer { labels in
                    perClass.withUnsafeBufferPointer { values in
                        block.withUTF8 { block in
                            bytes.reserveCapacity(bytes.count + count * (prefix.count + block.count + 40))
                            for index in 0..<count {
                                let value = values[before * count + index]
                                bytes.append(contentsOf: prefix)
                                bytes.append(contentsOf: block)
                                labels[index].withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
                                if value < 10 {
                                    bytes.append(0x30 + UInt8(value))
                                } else {
                                    bytes.append(contentsOf: String(value).utf8)
                                }
                                bytes.append(0x0A)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each of ``probeFamilies``' `# HELP` and `# TYPE` lines, made once.
    static let familyHeaders: [String] = probeFamilies.map { family in
        var header = Exposition()
        header.family(family.name, help: family.help)
        return header.text
    }

    /// Every class, in the order of the per-class families' lines.
    static let classes = ProbeClass.allCases

    /// `,class="…"} ` for each class, in ``ProbeClass/allCases`` order.
    static let classLabels: [[UInt8]] = classes.map { Array(",class=\"\($0.rawValue)\"} ".utf8) }

    /// `NAME{` for each of ``probeFamilies``.
    static let linePrefixes: [[UInt8]] = probeFamilies.map { Array(($0.name + "{").utf8) }

    /// Where each family of ``probeFamilies`` with a line per class keeps its values in
    /// ``ProbeSamples/perClass`` (its slot), `nil` for the others.
    static let perClassSlots: [Int?] = {
        var next = 0
        return probeFamilies.map { family in
            guard family.perClass else { return nil }
            defer { next += 1 }
            return next
        }
    }()

    /// One probe's samples, kept as compactly as a watch's cache of 20,000 needs, written
    /// as bytes straight into its text (no String per line or per family).
    static func samples(_ result: ProbeResult, labelNames: [String], report: RunReport) -> ProbeSamples {
        let block = labelBlock(result, labelNames: labelNames)
        var text: [UInt8] = []
        text.reserveCapacity(512)
        var ends: [UInt32] = []
        ends.reserveCapacity(probeFamilies.count)
        var perClass: [UInt16] = []
        var present: UInt8 = 0
        for (index, family) in probeFamilies.enumerated() {
            // A probe never attempted sends no request, so no `probe_*` sample may claim
            // one failed: those come from its last measured run, if any.
            let measured = measuredResult(result, family: family, report: report)
            if let slot = perClassSlots[index], let classValues = family.classValues {
                // A flag or a count of attempts for each class, in class order; none where
                // the probe was never measured.
                if let measured {
                    perClass += classValues(measured)
                    present |= 1 << slot
                }
            } else if let measured {
                if let single = family.single {
                    if let value = single(measured) { lineRest(value: value, to: &text) }
                } else {
                    for sample in family.samples(measured) {
                        lineRest(labels: sample.labels, value: sample.value, to: &text)
                    }
                }
            }
            ends.append(UInt32(text.count))
        }
        // A copy sized to its contents: the buffer reserved more than most probes need.
        let fitted = [UInt8](unsafeUninitializedCapacity: text.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: text)
        }
        return ProbeSamples(rest: fitted, ends: ends, block: block, perClass: perClass, perClassPresent: present)
    }

    /// What one sample line has after `NAME{BLOCK`: `,LABEL="VALUE"…} VALUE` and a line feed.
    private static func lineRest(labels: [(String, String)] = [], value: Double, to text: inout [UInt8]) {
        for (label, labelValue) in labels {
            text.append(UInt8(ascii: ","))
            text.append(contentsOf: label.utf8)
            text.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            var escaped = ""
            Exposition.escape(labelValue, into: &escaped)
            text.append(contentsOf: escaped.utf8)
            text.append(UInt8(ascii: "\""))
        }
        text.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: " ")])
        Exposition.append(value, to: &text)
        text.append(UInt8(ascii: "\n"))
    }

    /// The probe's own labels, escaped once into the block every sample line repeats:
    /// `probe="…"` and each of `labelNames` (`""` where the probe has none).
    static func labelBlock(_ result: ProbeResult, labelNames: [String]) -> String {
        var block = "probe=\""
        Exposition.escape(result.probe, into: &block)
        block += "\""
        for name in labelNames {
            block += ","
            block += name
            block += "=\""
            Exposition.escape(result.labels[name] ?? "", into: &block)
            block += "\""
        }
        return block
    }

    /// The result a family's samples describe: the run's own, except that the blackbox-style
    /// `probe_*` families of a probe not run this time describe its last measured run.
    private static func measuredResult(_ result: ProbeResult, family: Family, report: RunReport) -> ProbeResult? {
        guard result.probeClass == .notRun, family.name.hasPrefix("probe_") else { return result }
        return report.lastMeasured[result.probe]
    }

    /// The text written when the probe files did not load: no probe samples, but
    /// `canary_config_load_success 0` and the run's own, so an alert can fire.
    public static func renderLoadFailure(run: Run) -> String {
        var writer = Exposition()
        runFamilies(&writer, run: run, configLoaded: false)
        return writer.text
    }

    /// Every label name any probe carries, sorted, so each family has one label set.
    private static func labelNames(_ results: [ProbeResult], run: Run) -> [String] {
        var names = Set(run.labels.keys)
        for result in results { names.formUnion(result.labels.keys) }
        return names.sorted()
    }

    private static func runFamilies(_ writer: inout Exposition, run: Run, configLoaded: Bool) {
        let labels = run.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        writer.family("canary_run_timestamp_seconds", help: "When this run of canary started, as a Unix timestamp.")
        writer.sample("canary_run_timestamp_seconds", labels, run.timestamp.timeIntervalSince1970.rounded())
        writer.family("canary_run_duration_seconds", help: "How long this run of canary took.")
        writer.sample("canary_run_duration_seconds", labels, run.duration)
        writer.family(
            "canary_config_load_success", help: "1 if the probe files loaded, 0 if they are invalid (nothing probed).")
        writer.sample("canary_config_load_success", labels, configLoaded ? 1 : 0)
        writer.family("canary_build_info", help: "canary's version and the libcurl it runs on; always 1.")
        writer.sample(
            "canary_build_info",
            labels + [("version", CanaryVersion.current), ("libcurl", Engine.libcurlVersion)], 1)
    }

    // MARK: Families

    typealias Samples = [(labels: [(String, String)], value: Double)]

    struct Family: Sendable {
        let name: String
        let help: String
        var onlyWithSamples = false
        /// A line per class, each a small whole number (a flag, a count of attempts), its
        /// samples in ``ProbeClass/allCases`` order: kept compactly (``ProbeSamples``).
        var perClass: Bool { classValues != nil }
        /// A family of one sample without extra labels: its value (`nil`: no sample).
        var single: (@Sendable (ProbeResult) -> Double?)?
        /// A per-class family's value for each class, in ``classes`` order.
        var classValues: (@Sendable (ProbeResult) -> [UInt16])?
        let samples: @Sendable (ProbeResult) -> Samples

        init(
            name: String, help: String, onlyWithSamples: Bool = false,
            single: (@Sendable (ProbeResult) -> Double?)? = nil,
            classValues: (@Sendable (ProbeResult) -> [UInt16])? = nil,
            samples: @escaping @Sendable (ProbeResult) -> Samples
        ) {
            self.name = name
            self.help = help
            self.onlyWithSamples = onlyWithSamples
            self.single = single
            self.classValues = classValues
            self.samples = samples
        }
    }

    /// `probeClass`'s place in ``classes``.
    static func classIndex(_ probeClass: ProbeClass) -> Int {
        classes.firstIndex(of: probeClass) ?? 0
    }

    /// A line per class, labelled `class`, each a small whole number.
    private static func perClass(
        _ name: String, _ help: String, _ values: @escaping @Sendable (ProbeResult) -> [UInt16]
    ) -> Family {
        Family(name: name, help: help, classValues: values) { result in
            zip(classes, values(result)).map { ([("class", $0.rawValue)], Double($1)) }
        }
    }

    /// A sample per step of a journey's reported attempt, labelled `step`.
    private static func perStep(
        _ name: String, _ help: String, _ value: @escaping @Sendable (AttemptResult) -> Double
    ) -> Family {
        Family(name: name, help: help, onlyWithSamples: true) { result in
            (last(result)?.steps ?? []).map { ([("step", $0.step ?? "")], value($0)) }
        }
    }

    /// One sample without extra labels; none where `value` is `nil`.
    private static func single(
        _ name: String, _ help: String, _ value: @escaping @Sendable (ProbeResult) -> Double?
    )
        -> Family
    {
        Family(name: name, help: help, single: value) { result in value(result).map { [([], $0)] } ?? [] }
    }

    private static func flag(_ value: Bool) -> Double { value ? 1 : 0 }

    private static func timestamp(_ date: Date?) -> Double {
        date.map { $0.timeIntervalSince1970.rounded() } ?? 0
    }

    /// blackbox_exporter measures one request; canary reports its run's last attempt.
    private static func last(_ result: ProbeResult) -> AttemptResult? { result.reportedAttempt }

    static let probeFamilies: [Family] = [
        single("probe_success", "1 if the probe's run was OK, else 0.") { flag($0.severity == .ok) },
        single("probe_duration_seconds", "Total time of the run's last attempt.") { last($0)?.timings.total ?? 0 },
        single("probe_http_status_code", "HTTP status of the last attempt's response, 0 if none.") {
            Double(last($0)?.httpStatus ?? 0)
        },
        Family(name: "probe_http_duration_seconds", help: "Duration of each phase of the last attempt.") { result in
            (last(result)?.timings ?? PhaseTimings()).phases.map { ([("phase", $0.name)], $0.seconds) }
        },
        single("probe_http_content_length", "Announced Content-Length of the last response, -1 if unknown.") {
            Double(last($0)?.contentLength ?? -1)
        },
        single("probe_http_uncompressed_body_length", "Decoded body bytes of the last response.") {
            Double(last($0)?.bodyBytes ?? 0)
        },
        single("probe_http_redirects", "Redirects the last attempt followed.") { Double(last($0)?.redirects ?? 0) },
        single("probe_http_ssl", "1 if the last attempt's final request used TLS.") {
            guard let attempt = last($0) else { return 0 }
            // The final request's scheme: the TLS time of an https hop before a redirect to
            // http does not make the final request secure.
            return flag(attempt.finalRequestTLS ?? (attempt.timings.tls > 0 || attempt.certificateExpiry != nil))
        },
        single("probe_http_version", "HTTP version of the last response, 0 if none.") {
            Double(last($0)?.httpVersion ?? "") ?? 0
        },
        single("probe_ssl_earliest_cert_expiry", "Earliest expiry of the peer's certificate chain, Unix time.") {
            last($0)?.certificateExpiry.map { $0.timeIntervalSince1970.rounded() }
        },
        single("probe_dns_lookup_time_seconds", "Name resolution time of the last attempt.") {
            last($0)?.timings.resolve ?? 0
        },
        single("canary_probe_severity", "Severity of the probe's run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.") {
            Double($0.severity.exitCode)
        },
        perClass("canary_probe_result", "1 for the run's class, 0 for every other class.") { result in
            var values = [UInt16](repeating: 0, count: classes.count)
            values[classIndex(result.probeClass)] = 1
            return values
        },
        perClass("canary_probe_attempts", "Attempts of this run, by class.") { result in
            var values = [UInt16](repeating: 0, count: classes.count)
            for attempt in result.attempts { values[classIndex(attempt.probeClass)] &+= 1 }
            return values
        },
        single("canary_probe_intermittent", "1 if some attempts of the run failed and some passed.") {
            flag($0.intermittent)
        },
        single("canary_probe_alerting", "1 if the probe is alerting (after run state, when kept).") {
            flag($0.alerting)
        },
        single("canary_probe_consecutive_failures", "Failing runs in a row, this one included.") {
            Double($0.history.consecutiveFailures)
        },
        single("canary_probe_failure_ratio", "Failing share of the runs in the probe's alert window.") {
            $0.history.failureRatio
        },
        single("canary_probe_last_success_timestamp_seconds", "When the probe last passed, Unix time; 0 if unknown.") {
            timestamp($0.history.lastSuccess)
        },
        single(
            "canary_probe_failing_since_timestamp_seconds",
            "When the current failing streak began, Unix time; 0 when passing."
        ) { timestamp($0.history.failingSince) },
        Family(
            name: "canary_probe_vendor_disagreement_seconds",
            help: "How long the probe has been alerting while its vendor says operational.", onlyWithSamples: true
        ) { result in result.vendor.map { [([], $0.disagreementSeconds)] } ?? [] },
        Family(
            name: "canary_probe_vendor_lag_seconds",
            help: "The vendor's admission minus canary's alert start, in this alerting episode.",
            onlyWithSamples: true
        ) { result in result.vendor?.lagSeconds.map { [([], $0)] } ?? [] },
        perStep("canary_step_success", "1 if the journey's step passed in the last attempt, else 0.") {
            flag($0.severity == .ok)
        },
        perStep("canary_step_duration_seconds", "Total time of the step in the last attempt.") { $0.timings.total },
        perStep("canary_step_http_status_code", "HTTP status of the step's response, 0 if none.") {
            Double($0.httpStatus ?? 0)
        },
    ]
}
