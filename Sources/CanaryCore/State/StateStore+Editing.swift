import Foundation

extension StateStore {
    /// Locks and reads `file` for `canary state`: a missing or unusable file is an error
    /// here (left where it is), not an empty state.
    /// - Parameters:
    ///   - file: The state file.
    ///   - abandon: Ends the wait for the lock when it turns true (a signal came).
    /// - Returns: The store, locked.
    /// - Throws: ``StateUnavailable``.
    public static func openExisting(
        _ file: String, abandon: @escaping @Sendable () -> Bool
    ) throws(StateUnavailable)
        -> StateStore
    {
        guard FileManager.default.fileExists(atPath: file) else {
            throw StateUnavailable(reason: "\(file) does not exist")
        }
        do {
            return try StateStore(path: file, lockTimeout: .seconds(30), abandon: abandon, setAside: false)
        } catch {
            throw StateUnavailable(reason: "\(error)")
        }
    }

    /// Drops the records of `names`, all or none.
    /// - Throws: ``StateUnavailable`` naming those without a record; nothing is changed then.
    public func forget(_ names: [String]) throws(StateUnavailable) {
        let unknown = names.filter { state.probes[$0] == nil }
        guard unknown.isEmpty else {
            throw StateUnavailable(
                reason: "no record of \(unknown.joined(separator: ", ")) in \(path); nothing changed")
        }
        for name in names { state.probes[name] = nil }
    }
}
