import Foundation
import Testing

@testable import CanaryCore

@Suite("State records written by hand, byte for byte as JSONEncoder writes them")
struct StateRecordWriterTests {
    /// What the state file held before the hand-written writer: Foundation's encoding.
    static func encoded(_ state: ProbeState) throws -> String {
        String(decoding: try StateCache.encoder().encode(state), as: UTF8.self)
    }

    static let awkward = "a/b \"q\" \\ \u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1b}\u{1f}\u{7f} é \u{2028} 😀 </script>"

    static func attempt(_ name: String, at seconds: Double, steps: [AttemptResult]? = []) -> AttemptResult {
        var attempt = AttemptResult(
            probeClass: .gatewayTimeout, severity: .critical, message: "HTTP 504 \(awkward)",
            startedAt: Date(timeIntervalSince1970: seconds), httpStatus: 504, httpVersion: "1.1",
            remoteIP: "127.0.0.1", redirects: 2, bodyBytes: 1_234, contentLength: 5_678,
            certificateExpiry: Date(timeIntervalSince1970: 1_790_000_000.25),
            timings: PhaseTimings(
                resolve: 0.000012, connect: 0.000123, tls: 1e-07, processing: 0.1, transfer: 30, total: 30.100135),
            capturedHeaders: [
                HeaderField(name: "x-ms-request-id", value: "id/\(name)"), HeaderField(name: "b", value: ""),
            ],
            error: "curl: (28) \(awkward)", bodyExcerpt: "Gateway \(awkward)")
        attempt.finalRequestTLS = false
        attempt.step = name
        attempt.steps = steps
        return attempt
    }

    /// A record with every field set, down to every nested optional.
    static func full() -> ProbeState {
        let start = 1_780_000_000.123456
        var result = ProbeResult(
            probe: "portal \(awkward)", file: "/etc/canary/probes.yaml", url: "https://127.0.0.1/a?b=c&d=/e",
            labels: ["team": "id/entity", "Zone": "b", "a_b": awkward, "ä": "x"], probeClass: .gatewayTimeout,
            severity: .critical, intermittent: true, alerting: true, message: awkward,
            startedAt: Date(timeIntervalSince1970: start), duration: 60.5,
            attempts: [
                attempt("login", at: start, steps: [attempt("home", at: start), attempt("login", at: start + 1)]),
                attempt("one", at: start + 2),
            ],
            plannedAttempts: 3, latency: Thresholds(warning: .milliseconds(1_500), critical: .seconds(-2)),
            history: ProbeHistory(
                consecutiveFailures: 12, failureRatio: 1 / 3, lastSuccess: Date(timeIntervalSince1970: 0),
                failingSince: Date(timeIntervalSince1970: -1.5)))
        result.alertSeverity = .warning
        result.vendor = VendorView(
            name: "Microsoft 365", component: "Entra \(awkward)", status: .outage,
            since: Date(timeIntervalSince1970: start - 600),
            incident: VendorReading.Incident(
                id: "MO1329260", title: "Users can't \(awkward)", components: ["a/b", "c"],
                vendorStart: "2026-11-30T10:00:00Z"),
            lagSeconds: 2_700, disagreementSeconds: 0.000001, error: "HTTP 500", pollClass: .errorPage)
        var state = ProbeState()
        state.runs = [
            .init(at: Date(timeIntervalSince1970: start), severity: .critical),
            .init(at: Date(timeIntervalSince1970: start + 60), severity: .ok),
        ]
        state.consecutiveFailures = 3
        state.consecutivePasses = 0
        state.failingSince = Date(timeIntervalSince1970: start)
        state.lastSuccess = Date(timeIntervalSince1970: 1e16)
        state.lastRun = Date(timeIntervalSince1970: start + 0.5)
        state.lastSeen = Date(timeIntervalSince1970: start + 0.000001)
        state.alerting = true
        state.lastResult = result
        state.alertingSince = Date(timeIntervalSince1970: start + 120)
        state.vendorStatus = .degraded
        state.vendorStatusSince = Date(timeIntervalSince1970: start - 3_600)
        state.vendorAdmittedSince = Date(timeIntervalSince1970: start + 2_700)
        state.vendorLag = -12.25
        state.episode = AlertEpisode(
            probeClass: .blankPage, severity: .critical, startedAt: Date(timeIntervalSince1970: start),
            alertedAt: Date(timeIntervalSince1970: start + 120), endedAt: Date(timeIntervalSince1970: start + 999))
        state.notified = ["teams:abc": true, "Slack": false, "alertmanager/x": true]
        state.notifiedEpisode = ["teams:abc": Date(timeIntervalSince1970: start), "b": Date(timeIntervalSince1970: 7)]
        return state
    }

    /// Paths of optionals that are `nil` anywhere inside `value`.
    static func nilPaths(_ value: Any, path: String = "state") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return nilPaths(wrapped, path: path)
        }
        return mirror.children.enumerated().flatMap { index, child in
            nilPaths(child.value, path: path + "." + (child.label ?? String(index)))
        }
    }

    @Test("the fixture leaves no optional unset, so a field added later is written in the comparison")
    func fixtureIsFull() {
        #expect(Self.nilPaths(Self.full()) == [])
    }

    @Test("a record with every field set, and an empty one, come out as the encoder's bytes")
    func sameBytes() throws {
        #expect(try StateRecordWriter.json(Self.full()) == Self.encoded(Self.full()))
        #expect(try StateRecordWriter.json(ProbeState()) == Self.encoded(ProbeState()))
        var bare = Self.full()
        bare.lastResult?.vendor = nil
        bare.lastResult?.latency = Thresholds()
        bare.lastResult?.attempts = [AttemptResult(probeClass: .ok, severity: .ok, message: "", startedAt: Date())]
        bare.notified = [:]
        #expect(try StateRecordWriter.json(bare) == Self.encoded(bare))
    }

    @Test("random strings and numbers come out as the encoder's bytes, and read back")
    func randomValues() throws {
        var generator = SplitMix(seed: 20_261_201)
        let alphabet: [Unicode.Scalar] =
            (0..<0x80).compactMap(Unicode.Scalar.init) + ["é", "\u{2028}", "\u{2029}", "😀", "\u{FEFF}", "\u{FFFD}"]
        for _ in 0..<500 {
            let text = String(
                String.UnicodeScalarView(
                    (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)!
                    }))
            let number: Double =
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: Double(Int.random(in: -1_000_000...1_000_000, using: &generator))
                case 1: Double.random(in: -1...1, using: &generator)
                case 2: Double.random(in: 0...2e9, using: &generator)
                case 3: Double(sign: .plus, exponent: Int.random(in: -60...60, using: &generator), significand: 1.5)
                default: Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator))
                }
            guard number.isFinite else { continue }
            var state = Self.full()
            state.lastResult?.message = text
            state.lastResult?.labels = [text: text, "k": text]
            state.lastResult?.duration = number
            state.vendorLag = number
            state.lastRun = Date(timeIntervalSince1970: number)
            let json = try StateRecordWriter.json(state)
            let expected = try Self.encoded(state)
            try #require(json == expected, "\(text.debugDescription) \(number)")
            let read = try JSONDecoder.stateDecoder.decode(ProbeState.self, from: Data(json.utf8))
            #expect(read.lastResult?.message == text)
        }
    }

    @Test("a number JSON cannot hold fails as it does with the encoder")
    func nonFinite() {
        var state = Self.full()
        state.vendorLag = .nan
        #expect(throws: EncodingError.self) { try StateRecordWriter.json(state) }
        #expect(throws: EncodingError.self) { try Self.encoded(state) }
    }
}

extension SplitMix: RandomNumberGenerator {}

extension JSONDecoder {
    fileprivate static var stateDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
