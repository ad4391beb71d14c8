import Foundation
import Synchronization

/// Each probe's record in the state file as last encoded, so that a watch's flush encodes
/// again only the records that changed since (a revision number per probe says which) and
/// copies the rest: the file reads back exactly as a whole encoding would.
public final class StateCache: Sendable {
    private let records = Mutex<[String: (revision: Int, json: String)]>([:])

    public init() {}

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// The state file's text for `state`, in pieces to be written one after another, where
    /// `revisions` counts each probe's changes (a probe missing from it never changes: a
    /// record another run keeps in the file).
    /// - Throws: When a record cannot be encoded.
    func pieces(_ state: RunState, revisions: [String: Int]) throws -> [String] {
        let encoder = Self.encoder()
        var kept = records.withLock { $0 }
        var pieces = [#"{"probes":{"#]
        for (index, name) in state.probes.keys.sorted().enumerated() {
            guard let record = state.probes[name] else { continue }
            let revision = revisions[name] ?? 0
            let json: String
            if let cached = kept[name], cached.revision == revision {
                json = cached.json
            } else {
                json = String(decoding: try encoder.encode(record), as: UTF8.self)
                kept[name] = (revision, json)
            }
            pieces.append((index > 0 ? "," : "") + JSONValue.string(name).serialized() + ":")
            pieces.append(json)
        }
        var tail = "}"
        if let vendors = state.vendors {
            tail += #","vendors":"# + String(decoding: try encoder.encode(vendors), as: UTF8.self)
        }
        pieces.append(tail + #","version":\#(state.version)}"# + "\n")
        if kept.count > state.probes.count { kept = kept.filter { state.probes[$0.key] != nil } }
        records.withLock { [kept] in $0 = kept }
        return pieces
    }
}
