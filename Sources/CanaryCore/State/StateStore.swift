import Foundation
import Synchronization

/// The `--state` file, held under an exclusive lock from open to close, so overlapping
/// runs (two cron jobs) take turns instead of corrupting it.
///
/// The lock is on `FILE.lock`, which is never replaced; the state itself is replaced
/// atomically on every save.
public final class StateStore: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        /// Another process held the lock for the whole wait.
        case locked(path: String, waited: Duration)
        case cannotLock(path: String, reason: String)
        /// Canary was stopped while it waited.
        case abandoned(path: String)
        /// The path is not a regular file (a folder, a device, a FIFO): a state is read
        /// back, and its lock sits beside it.
        case notAFile(path: String)
        /// The file is not a state canary can read, and was left where it is.
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case .locked(let path, let waited):
                "another canary process holds the lock on \(path) (waited \(Units.format(waited)); "
                    + "a watch holds its state's lock for as long as it runs)"
            case .cannotLock(let path, let reason):
                "cannot lock \(path): \(reason)"
            case .abandoned(let path):
                "stopped while waiting for the lock on \(path)"
            case .notAFile(let path):
                "\(path) is not a regular file; a state file is read back and locked beside it"
            case .unusable(let path, let reason):
                "\(path) is \(reason); left as it is"
            }
        }
    }

    public let path: String
    /// Problems met while loading (a state file set aside), one line each.
    public let warnings: [String]
    private let contents: Mutex<RunState>
    private let lockDescriptor: Mutex<Int32>

    /// The state as loaded, then as the caller updates it.
    public var state: RunState {
        get { contents.withLock { $0 } }
        set { contents.withLock { $0 = newValue } }
    }

    /// Locks and loads the state at `path`; a missing file is an empty state, and a
    /// corrupt, truncated or future-version one is moved to `PATH.corrupt-<timestamp>`
    /// with a warning.
    /// - Parameters:
    ///   - path: The state file.
    ///   - lockTimeout: How long to wait for another run to release the lock.
    ///   - abandon: Asked while waiting; true gives up the wait at once (canary stopping).
    ///   - setAside: Whether an unusable file is moved aside (a run starting fresh) or
    ///     refused where it is (`canary state show`, which only reads).
    /// - Throws: ``Failure`` when the path is not a regular file, the lock cannot be had,
    ///   or (without `setAside`) the file is unusable.
    public init(
        path: String, lockTimeout: Duration, abandon: @Sendable () -> Bool = { false }, setAside: Bool = true
    ) throws(Failure) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG { throw .notAFile(path: path) }
        self.path = path
        // A file that is not a state is refused before its lock file is made beside it
        // (`canary state forget /etc/passwd` must leave no /etc/passwd.lock behind).
        if !setAside, let problem = Self.load(path).1 { throw .unusable(path: path, reason: problem) }
        // Only a state (a JSON object, perhaps torn) is set aside: a probe file or any other
        // file given to --state by mistake stays where it is.
        if Self.isForeign(path) {
            throw .unusable(path: path, reason: "not a canary state file (text, not a JSON object: a probe file?)")
        }
        let lock = try Self.lock("\(path).lock", timeout: lockTimeout, abandon: abandon)
        let (state, problem) = Self.load(path)
        if let problem, !setAside {
            flock(lock, LOCK_UN)
            Foundation.close(lock)
            throw .unusable(path: path, reason: problem)
        }
        self.lockDescriptor = Mutex(lock)
        self.contents = Mutex(state)
        self.warnings = problem.map { [Self.setAside(path, because: $0)] } ?? []
    }

    deinit {
        close()
    }

    /// The state at `path`, read without its lock (for `canary state show`): a writer
    /// replaces the file by a rename, so a read sees one whole state or the next, and a
    /// reader needs no write access to the folder.
    /// - Throws: ``Failure`` when the path is missing, not a regular file, or not a state.
    public static func read(_ path: String) throws(Failure) -> RunState {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unusable(path: path, reason: "missing") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile(path: path) }
        let (state, problem) = load(path)
        if let problem { throw .unusable(path: path, reason: problem) }
        return state
    }

    /// Replaces the state file atomically with the current state.
    /// - Parameters:
    ///   - cache: Keeps each record's encoding between saves (a watch's flushes).
    ///   - revisions: With `cache`, how many times each probe's record has changed.
    /// - Throws: ``AtomicFile/Failure`` when the state cannot be encoded or written.
    public func save(cache: StateCache? = nil, revisions: [String: Int] = [:]) throws(AtomicFile.Failure) {
        let pieces: [String]
        do {
            pieces = try (cache ?? StateCache()).pieces(self.state, revisions: revisions)
        } catch {
            throw AtomicFile.Failure(path: path, reason: "cannot encode the state")
        }
        // It holds response excerpts and captured headers: readable by its owner only.
        try AtomicFile.write(pieces: pieces, to: path, mode: 0o600)
    }

    /// Replaces the state file atomically with the state `delta` describes (a watch's
    /// flush): the records it carries encoded, the others as `cache` last encoded them.
    /// - Throws: ``AtomicFile/Failure`` when the state cannot be encoded or written.
    public func save(_ delta: StateDelta, cache: StateCache) throws(AtomicFile.Failure) {
        let pieces: [String]
        do {
            pieces = try cache.pieces(delta)
        } catch {
            throw AtomicFile.Failure(path: path, reason: "cannot encode the state")
        }
        try AtomicFile.write(pieces: pieces, to: path, mode: 0o600)
    }

    /// Releases the lock; the store must not be saved after.
    public func close() {
        lockDescriptor.withLock { fd in
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            Foundation.close(fd)
            fd = -1
        }
    }

    /// Whether `path` holds another program's text (a probe file given to --state by
    /// mistake): its first non-blank byte is printable ASCII but not the `{` every state
    /// canary wrote starts with, even torn. Binary damage (NULs, a byte-order mark) is a
    /// corrupt state, set aside as before.
    private static func isForeign(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 4096)) ?? Data()
        guard let first = start.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) else { return false }
        return (0x21...0x7E).contains(first) && first != UInt8(ascii: "{")
    }

    /// The state at `path`: empty when there is none, and empty with the reason when it is
    /// unusable.
    private static func load(_ path: String) -> (RunState, String?) {
        guard let data = FileManager.default.contents(atPath: path) else { return (RunState(), nil) }
        // A file made ready beforehand (`touch`, a configuration tool) is a fresh state.
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return (RunState(), nil) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let reason: String
        do {
            let loaded = try decoder.decode(RunState.self, from: data)
            if loaded.version == RunState.currentVersion { return (loaded, nil) }
            reason = "version \(loaded.version), this canary reads \(RunState.currentVersion)"
        } catch {
            // A file from a later canary may lack fields this one reads: named by its
            // version, not as broken (read only when the whole decoding failed).
            struct Version: Decodable { var version: Int }
            if let version = try? decoder.decode(Version.self, from: data).version, version != RunState.currentVersion {
                reason = "version \(version), this canary reads \(RunState.currentVersion)"
            } else {
                reason = "not a canary state file (\(brief(error)))"
            }
        }
        return (RunState(), reason)
    }

    private static func setAside(_ path: String, because reason: String) -> String {
        let aside = "\(path).corrupt-\(Timestamp.iso8601(Date()).replacingOccurrences(of: ":", with: ""))"
        guard rename(path, aside) == 0 else {
            return "state file \(path) is unusable (\(reason)) and cannot be moved aside; starting fresh"
        }
        return "state file \(path) is unusable (\(reason)); moved to \(aside), starting fresh"
    }

    private static func brief(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context): "wrong type at \(context.codingPath.map(\.stringValue))"
        default: "\(error)"
        }
    }

    /// Takes an exclusive `flock` on `lockPath`, polling until `timeout` or `abandon`.
    private static func lock(
        _ lockPath: String, timeout: Duration, abandon: () -> Bool
    ) throws(Failure) -> Int32 {
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
            guard !abandon() else {
                Foundation.close(fd)
                throw .abandoned(path: lockPath)
            }
            usleep(20_000)
        }
        return fd
    }
}
