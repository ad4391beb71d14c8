import Foundation
import Testing

@testable import CanaryCore

/// The state file's encoder against Foundation's: what it writes decodes to the same
/// records, whatever the strings hold.
@Suite("Streaming JSON encoder")
struct StreamingJSONEncoderTests {
    /// A record with every part a state file holds: runs, streaks, a last result with
    /// attempts, captured headers, labels, an episode and notified targets.
    static func record(message: String) -> ProbeState {
        let start = Date(timeIntervalSince1970: 1_780_000_000.123456)
        var state = ProbeState()
        var policy = AlertPolicy()
        policy.after = 2
        for run in 0..<4 {
            var attempt = AttemptResult(
                probeClass: .gatewayTimeout, severity: .critical, message: message,
                startedAt: start.addingTimeInterval(Double(run) * 60))
            attempt.httpStatus = 504
            attempt.remoteIP = "127.0.0.1"
            attempt.capturedHeaders = [HeaderField(name: "x-ms-request-id", value: message)]
            attempt.bodyExcerpt = message
            let result = ProbeRun(
                probe: "p", file: "f.yaml", url: "https://portal.example/?q=\"x\"", labels: ["team": message],
                probeClass: .gatewayTimeout, severity: .critical, intermittent: false, message: message,
                startedAt: attempt.startedAt, duration: 0.25, attempts: [attempt])
            _ = state.record(result, policy: policy, now: attempt.startedAt)
        }
        state.notified = ["alertmanager": true, "teams \(message)": false]
        state.vendorStatus = .outage
        state.vendorLag = 180
        return state
    }

    static let messages = [
        "plain", "quote \" backslash \\ slash /", "lines\nand\r\ttabs", "control \u{01}\u{1F} and DEL \u{7F}",
        "unicode: café ✓ 𝄞", "", String(repeating: "long ", count: 500),
    ]

    @Test("records decode to what Foundation's encoding decodes to", arguments: messages)
    func sameRecords(_ message: String) throws {
        let record = Self.record(message: message)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let foundation = JSONEncoder()
        foundation.dateEncodingStrategy = .secondsSince1970
        foundation.outputFormatting = [.sortedKeys]
        let streamed = try StreamingJSONEncoder.encode(record)
        let viaStream = try decoder.decode(ProbeState.self, from: Data(streamed.utf8))
        let viaFoundation = try decoder.decode(ProbeState.self, from: foundation.encode(record))
        // Compared as Foundation writes them, keys sorted.
        #expect(try foundation.encode(viaStream) == foundation.encode(viaFoundation))
        #expect(viaStream.lastResult?.attempts.first?.message == message)
        #expect(viaStream.lastRun == record.lastRun)
        // And it is JSON that a strict parser takes.
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(streamed.utf8)) }
    }

    @Test("a NaN is an error, as with JSONEncoder; containers nest and close in order")
    func edges() throws {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode(["x": Double.nan]) }
        #expect(try StreamingJSONEncoder.encode([[1, 2], [], [3]]) == "[[1,2],[],[3]]")
        #expect(try StreamingJSONEncoder.encode(["a": ["b": [true, false]]]) == #"{"a":{"b":[true,false]}}"#)
        #expect(try StreamingJSONEncoder.encode([1.5, 2, 1e-05]) == "[1.5,2,1e-05]")
        // Scalars of every width, and a Duration (two integers), as JSONEncoder has them.
        let scalars = try StreamingJSONEncoder.encode([Int64.min, Int64.max])
        #expect(scalars == "[-9223372036854775808,9223372036854775807]")
        #expect(try StreamingJSONEncoder.encode([UInt8(7)]) == "[7]")
        #expect(try StreamingJSONEncoder.encode([Float(0.5)]) == "[0.5]")
        let duration = Duration.milliseconds(1500)
        let decoded = try JSONDecoder().decode(
            Duration.self, from: Data(try StreamingJSONEncoder.encode(duration).utf8))
        #expect(decoded == duration)
        struct Nested: Encodable {
            enum Key: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                var inner = container.nestedContainer(keyedBy: Key.self, forKey: .a)
                try inner.encode(1, forKey: .b)
                var list = container.nestedUnkeyedContainer(forKey: .b)
                try list.encode("x")
                try list.encodeNil()
                try container.encode("end", forKey: .c)
            }
        }
        #expect(try StreamingJSONEncoder.encode(Nested()) == #"{"a":{"b":1},"b":["x",null],"c":"end"}"#)
    }
}
