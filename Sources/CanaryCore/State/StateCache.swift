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
        try pieces(
            StateDelta(
                names: state.probes.keys.sorted(),
                changed: state.probes.filter { name, _ in
                    records.withLock { $0[name]?.revision } != revisions[name] ?? 0
                },
                revisions: revisions, vendors: state.vendors, version: state.version))
    }

    /// The state file's text from `delta`: the records it carries encoded again, the others
    /// as last encoded.
    /// - Throws: When a record cannot be encoded, or `delta` names a record it neither
    ///   carries nor was ever given.
    func pieces(_ delta: StateDelta) throws -> [String] {
        let encoder = Self.encoder()
        var kept = records.withLock { $0 }
        var pieces = [#"{"probes":{"#]
        pieces.reserveCapacity(delta.names.count * 2 + 2)
        for (index, name) in delta.names.enumerated() {
            let json: String
            if let record = delta.changed[name] {
                json = try StateRecordWriter.json(record)
                kept[name] = (delta.revisions[name] ?? 0, json)
            } else if let cached = kept[name] {
                json = cached.json
            } else {
                throw StateDelta.Missing(name: name)
            }
            pieces.append((index > 0 ? "," : "") + JSONValue.string(name).serialized() + ":")
            pieces.append(json)
        }
        var tail = "}"
        if let vendors = delta.vendors {
            tail += #","vendors":"# + String(decoding: try encoder.encode(vendors), as: UTF8.self)
        }
        pieces.append(tail + #","version":\#(delta.version)}"# + "\n")
        if kept.count > delta.names.count {
            let names = Set(delta.names)
            kept = kept.filter { names.contains($0.key) }
        }
        records.withLock { [kept] in $0 = kept }
        return pieces
    }
}

/// What a watch's flush needs of the run state to write it: every record's name, and only
/// the records that changed since the last flush (a copy of the whole state, shared with
/// the scheduler, would be copied again at its next result: 20 MB at 20,000 probes).
public struct StateDelta: Sendable {
    struct Missing: Error {
        var name: String
    }

    /// Every record's name, in the file's (sorted) order.
    public var names: [String]
    public var changed: [String: ProbeState]
    public var revisions: [String: Int]
    public var vendors: [String: VendorReading]?
    public var version: Int
}
