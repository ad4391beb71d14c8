import Foundation
import NIOCore
import Synchronization

/// Where canary's notifications land in tests and in `canary simulate`: webhooks at
/// `/hooks/NAME` (any format; `GET` lists what was received) and an Application Insights
/// ingestion endpoint at `/appinsights/v2.1/track` that answers as the real one does:
/// 200 when it takes every envelope, 206 with `errors[].index` for those it refuses, 400
/// when it takes none. A test scripts the next answers (a 500, a 429 with `Retry-After`,
/// a partial refusal, a hang) to see canary retry.
public final class Receiver: Sendable {
    /// One request received.
    public struct Delivery: Sendable {
        public var path: String
        public var contentType: String?
        public var body: String
    }

    /// An answer a test scripts for the next request to a path.
    public enum Answer: Sendable {
        /// This status, with `Retry-After` when given.
        case status(Int, retryAfter: Int? = nil)
        /// (Application Insights) 206, refusing the items at these indexes of the batch
        /// with these statuses.
        case refuse([Int: Int])
        /// Never answer.
        case hang
        /// This status, with the request line (path and query) echoed in the body as-is,
        /// percent-encoded and in base64, as careless error pages do.
        case echo(Int)
    }

    private struct Book {
        var deliveries: [Delivery] = []
        var scripts: [String: [Answer]] = [:]
        /// Envelopes the ingestion endpoint accepted, as JSON text.
        var accepted: [String] = []
    }

    private let book = Mutex(Book())

    public init() {}

    /// Everything received under `path` (`/hooks/teams`), oldest first; all with `nil`.
    public func deliveries(_ path: String? = nil) -> [Delivery] {
        book.withLock { book in book.deliveries.filter { path == nil || $0.path == path } }
    }

    /// The availability envelopes the ingestion endpoint accepted.
    public var acceptedEnvelopes: [String] { book.withLock(\.accepted) }

    /// Scripts the next answers for `path`, one per request, in order; then the defaults.
    public func script(_ path: String, _ answers: [Answer]) {
        book.withLock { $0.scripts[path, default: []] += answers }
    }

    /// Forgets every delivery and script.
    public func reset() {
        book.withLock { $0 = Book() }
    }

    func action(for request: RequestHead, body: [UInt8]) -> SimulatorAction? {
        let path = request.path
        let isTrack = path.hasPrefix("/appinsights/") && (path.hasSuffix("/v2.1/track") || path.hasSuffix("/v2/track"))
        guard path.hasPrefix("/hooks/") || isTrack else { return nil }
        if request.method == "GET" {
            guard isTrack else { return .respond(list(path)) }
            return .respond(Self.json("[" + acceptedEnvelopes.joined(separator: ",") + "]"))
        }
        guard request.method == "POST" else { return .respond(Self.json(#"{"error":"POST only"}"#, status: 405)) }
        let text = String(decoding: body, as: UTF8.self)
        let answer = book.withLock { book -> Answer? in
            book.deliveries.append(Delivery(path: path, contentType: request.header("Content-Type"), body: text))
            if book.deliveries.count > 10_000 { book.deliveries.removeFirst() }
            guard var queue = book.scripts[path], !queue.isEmpty else { return nil }
            let next = queue.removeFirst()
            book.scripts[path] = queue
            return next
        }
        switch answer {
        case .hang?: return .hang
        case .status(let status, let retryAfter)?:
            var response = Self.json(#"{"error":"scripted \#(status)"}"#, status: status)
            if let retryAfter { response.headers.append(("Retry-After", String(retryAfter))) }
            return .respond(response)
        case .refuse(let refused)?: return .respond(track(text, refusing: refused))
        case .echo(let status)?:
            let target = request.target
            let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
            let body =
                "The requested URL \(target) was not found (\(encoded), \(Data(target.utf8).base64EncodedString()))"
            return .respond(HTTPResponse(status: status, body: ByteBuffer(string: body)))
        case nil: return .respond(isTrack ? track(text, refusing: [:]) : Self.json(#"{"ok":true}"#))
        }
    }

    /// What `path` received, as a JSON array of the bodies (each parsed when it is JSON).
    private func list(_ path: String) -> HTTPResponse {
        let bodies = deliveries(path).map { delivery -> Any in
            (try? JSONSerialization.jsonObject(with: Data(delivery.body.utf8))) ?? delivery.body
        }
        let data = (try? JSONSerialization.data(withJSONObject: bodies, options: [.prettyPrinted])) ?? Data("[]".utf8)
        return Self.json(String(decoding: data, as: UTF8.self))
    }

    /// The ingestion contract: a JSON array of envelopes; each is refused (400) when it
    /// lacks what an availability result needs, or (scripted) with the given status.
    private func track(_ text: String, refusing scripted: [Int: Int]) -> HTTPResponse {
        guard let items = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            return Self.json(
                #"{"itemsReceived":0,"itemsAccepted":0,"errors":[{"index":0,"statusCode":400,"message":"Invalid JSON: expected an array of envelopes"}]}"#,
                status: 400)
        }
        var errors: [[String: Any]] = []
        var accepted: [String] = []
        for (index, item) in items.enumerated() {
            if let status = scripted[index] {
                errors.append(["index": index, "statusCode": status, "message": "scripted refusal"])
            } else if let problem = Self.problem(item) {
                errors.append(["index": index, "statusCode": 400, "message": problem])
            } else if let data = try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys]) {
                accepted.append(String(decoding: data, as: UTF8.self))
            }
        }
        book.withLock { $0.accepted += accepted }
        let answer: [String: Any] = ["itemsReceived": items.count, "itemsAccepted": accepted.count, "errors": errors]
        let data = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data("{}".utf8)
        let status = errors.isEmpty ? 200 : accepted.isEmpty && scripted.isEmpty ? 400 : 206
        return Self.json(String(decoding: data, as: UTF8.self), status: status)
    }

    /// Why an envelope is not a valid availability result, or `nil`.
    static func problem(_ item: Any) -> String? {
        guard let envelope = item as? [String: Any] else { return "Field 'envelope' is not an object" }
        for field in ["name", "time", "iKey"] where (envelope[field] as? String)?.isEmpty ?? true {
            return "Field '\(field)' on type 'Envelope' is required but missing or empty"
        }
        guard let data = envelope["data"] as? [String: Any], data["baseType"] as? String == "AvailabilityData",
            let base = data["baseData"] as? [String: Any]
        else { return "Field 'data' is not AvailabilityData" }
        guard base["ver"] as? Int == 2 else { return "Field 'ver' on type 'AvailabilityData' must be 2" }
        for field in ["id", "name", "duration", "runLocation"] where (base[field] as? String)?.isEmpty ?? true {
            return "Field '\(field)' on type 'AvailabilityData' is required but missing or empty"
        }
        guard base["success"] is Bool else { return "Field 'success' on type 'AvailabilityData' is required" }
        guard let duration = base["duration"] as? String,
            duration.range(of: #"^\d+\.\d{2}:\d{2}:\d{2}\.\d{6}$"#, options: .regularExpression) != nil
        else { return "Field 'duration' is not a timespan d.hh:mm:ss.ffffff" }
        return nil
    }

    private static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: ByteBuffer(string: text))
    }
}
