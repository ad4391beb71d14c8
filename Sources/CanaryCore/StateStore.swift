import Foundation

/// The `--state` file, held under an exclusive lock from open to close, so overlapping
/// runs (two cron jobs) take turns instead of corrupting it.
///
/// The lock is on `FILE.lock`, which is never replaced; the state itself is replaced
/// atomically on every save.
public final class StateStore {
    public enum Failure: Error, CustomStringConvertible {
        /// Another process held the lock for the whole wait.
        case locked(path: String, waited: Duration)
        case cannotLock(path: String, reason: String)

        public var description: String {
            switch self {
            case .locked(let path, let waited):
                "another canary run holds the lock on \(path) (waited \(Units.format(waited)))"
            case .cannotLock(let path, let reason):
                "cannot lock \(path): \(reason)"
            }
        }
    }

    public let path: String
    public var state: RunState
    /// Problems met while loading (a state file set aside), one line each.
    public private(set) var warnings: [String] = []
    private var lockDescriptor: Int32

    /// Locks and loads the state at `path`; a missing file is an empty state, and a
    /// corrupt, truncated or future-version one is moved to `PATH.corrupt-<timestamp>`
    /// with a warning.
    /// - Parameters:
    ///   - path: The state file.
    ///   - lockTimeout: How long to wait for another run to release the lock.
    /// - Throws: ``Failure`` when the lock cannot be had.
    public init(path: String, lockTimeout: Duration) throws(Failure) {
        self.path = path
        self.lockDescriptor = try Self.lock("\(path).lock", timeout: lockTimeout)
        self.state = RunState()
        load()
    }

    deinit {
        close()
    }

    /// Replaces the state file atomically with the current state.
    public func save() throws(AtomicFile.Failure) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(state) else {
            throw AtomicFile.Failure(path: path, reason: "cannot encode the state")
        }
        try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: path)
    }

    /// Releases the lock; the store must not be saved after.
    public func close() {
        guard lockDescriptor >= 0 else { return }
        flock(lockDescriptor, LOCK_UN)
        Foundation.close(lockDescriptor)
        lockDescriptor = -1
    }

    private func load() {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let reason: String
        do {
            let loaded = try decoder.decode(RunState.self, from: data)
            guard loaded.version == RunState.currentVersion else {
                setAside(because: "version \(loaded.version), this canary reads \(RunState.currentVersion)")
                return
            }
            state = loaded
            return
        } catch {
            reason = data.isEmpty ? "empty" : "not a canary state file (\(Self.brief(error)))"
        }
        setAside(because: reason)
    }

    private func setAside(because reason: String) {
        let aside = "\(path).corrupt-\(Timestamp.iso8601(Date()).replacingOccurrences(of: ":", with: ""))"
        if rename(path, aside) == 0 {
            warnings.append("state file \(path) is unusable (\(reason)); moved to \(aside), starting fresh")
        } else {
            warnings.append("state file \(path) is unusable (\(reason)) and cannot be moved aside; starting fresh")
        }
    }

    private static func brief(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context): "wrong type at \(context.codingPath.map(\.stringValue))"
        default: "\(error)"
        }
    }

    /// Takes an exclusive `flock` on `lockPath`, polling until `timeout`.
    private static func lock(_ lockPath: String, timeout: Duration) throws(Failure) -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotLock(path: lockPath, reason: String(cString: strerror(errno))) }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                Foundation.close(fd)
                throw .cannotLock(path: lockPath, reason: reason)
            }
            guard clock.now < deadline else {
                Foundation.close(fd)
                throw .locked(path: lockPath, waited: timeout)
            }
            usleep(20_000)
        }
        return fd
    }
}
