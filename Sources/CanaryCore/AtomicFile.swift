import Foundation

/// Writes files whole or not at all: a temporary file in the same folder, fsynced, then
/// renamed over the target, so a reader (or a crash) never sees a torn file.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Replaces `path` with `contents`.
    ///
    /// Temporary files that an earlier, killed writer left beside `path` are removed first.
    /// - Throws: ``Failure`` naming the path and the system's reason; the old file, if
    ///   any, is then untouched and no temporary file is left behind.
    public static func write(_ contents: String, to path: String) throws(Failure) {
        try write(contents, to: path, beforeRename: {})
    }

    /// ``write(_:to:)`` with a hook run between the fsync and the rename, where a fault
    /// (or a crash) matters most; tests use it to fail there.
    static func write(_ contents: String, to path: String, beforeRename: () throws -> Void) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent).tmp-"
        removeAbandoned(in: folder, prefix: prefix)
        let temporary = "\(folder)/\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var failure = writeAll(Array(contents.utf8), to: fd)
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil {
            do { try beforeRename() } catch { failure = "\(error)" }
        }
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw Failure(path: path, reason: failure)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> String? {
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            written += result
        }
        return nil
    }

    /// Removes `PREFIX<pid>-<n>` files whose writing process no longer exists.
    private static func removeAbandoned(in folder: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) }
            if let pid, kill(pid, 0) != 0, errno == ESRCH {
                unlink("\(folder)/\(name)")
            }
        }
    }
}
