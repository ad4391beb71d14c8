import Foundation

extension Classifier {
    private static let aadsts = try? NSRegularExpression(pattern: "AADSTS[0-9]{4,7}")

    /// What an OAuth2 or Entra error body says went wrong: its `error` (RFC 6749: a short
    /// ASCII code such as `invalid_client`) and the first `AADSTS` code, as
    /// `invalid_client, AADSTS7000215`; `nil` when it names neither.
    static func authErrorCode(_ body: [UInt8]) -> String? {
        let head = Array(body.prefix(64 << 10))
        var parts: [String] = []
        if let object = try? JSONSerialization.jsonObject(with: Data(head)) as? [String: Any],
            let error = object["error"] as? String, error.count <= 64,
            error.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") })
        {
            parts.append(error)
        }
        let text = String(decoding: head, as: UTF8.self)
        if let match = aadsts?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range, in: text)
        {
            parts.append(String(text[range]))
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
