import Foundation

/// Writes files whole or not at all: a temporary file in the same folder, fsynced, then
/// renamed over the target, so a reader (or a crash) never sees a torn file.
///
/// Only regular files (and paths not there yet, or symbolic links to regular files, which
/// are replaced as links) are renamed over. A character device, FIFO or socket
/// (`/dev/null`, a pipe to a log shipper), or a symbolic link to one (`/dev/stderr`), is
/// written in place, never replaced by a regular file; a folder or a block device is
/// refused.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Replaces `path` with `contents`.
    ///
    /// A regular file that is replaced keeps its permission bits (and, for root, its
    /// owner); a new file gets `mode`. Temporary files that an earlier, killed writer left
    /// beside `path` are removed first.
    /// - Parameters:
    ///   - contents: The whole new text.
    ///   - path: The file; see the type's notes for what is not a regular file.
    ///   - mode: Permission bits of a file created anew (0600 for one holding evidence).
    /// - Throws: ``Failure`` naming the path and the system's reason; the old file, if
    ///   any, is then untouched and no temporary file is left behind.
    public static func write(_ contents: String, to path: String, mode: mode_t = 0o644) throws(Failure) {
        try write(pieces: [contents], to: path, mode: mode, beforeRename: {})
    }

    /// ``write(_:to:mode:)`` for a text given in pieces, written one after another: a
    /// watch's 70 MB textfile is never joined into one string first.
    public static func write(
        pieces: some Collection<some TextPiece>, to path: String, mode: mode_t = 0o644
    ) throws(Failure) {
        try write(pieces: pieces, to: path, mode: mode, beforeRename: {})
    }

    /// ``write(_:to:mode:)`` with a hook run between the fsync and the rename, where a
    /// fault (or a crash) matters most; tests use it to fail there.
    static func write(
        _ contents: String, to path: String, mode: mode_t = 0o644, beforeRename: () throws -> Void
    ) throws(Failure) {
        try write(pieces: [contents], to: path, mode: mode, beforeRename: beforeRename)
    }

    static func write(
        pieces contents: some Collection<some TextPiece>, to path: String, mode: mode_t = 0o644,
        beforeRename: () throws -> Void
    ) throws(Failure) {
        // `/dev/stdout`, `/dev/fd/2`, `/proc/self/fd/1`: the descriptor canary was given,
        // written as the shell would (at its offset, whatever it leads to).
        if let descriptor = inheritedDescriptor(path) {
            if let failure = writeAll(contents, to: descriptor) {
                throw Failure(path: path, reason: failure)
            }
            return
        }
        var info = stat()
        var owner: (uid_t, gid_t)?
        var mode = mode
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                mode = info.st_mode & 0o7777
                owner = (info.st_uid, info.st_gid)
            case S_IFLNK:
                // `/dev/stderr` is a link to /proc/self/fd/2: what it leads to decides.
                var target = stat()
                guard stat(path, &target) == 0 else { break }
                switch target.st_mode & S_IFMT {
                case S_IFCHR, S_IFIFO: return try writeInPlace(contents, to: path)
                case S_IFSOCK: return try sendToSocket(contents, at: path)
                case S_IFDIR: throw Failure(path: path, reason: "it is a link to a folder")
                default: break
                }
            case S_IFCHR, S_IFIFO:
                return try writeInPlace(contents, to: path)
            case S_IFSOCK:
                return try sendToSocket(contents, at: path)
            case S_IFDIR:
                throw Failure(path: path, reason: "it is a folder")
            default:
                throw Failure(
                    path: path, reason: "it is neither a regular file, a character device, a FIFO nor a socket")
            }
        }
        try replace(path, with: contents, mode: mode, owner: owner, beforeRename: beforeRename)
    }

    private static func replace(
        _ path: String, with contents: some Collection<some TextPiece>, mode: mode_t, owner: (uid_t, gid_t)?,
        beforeRename: () throws -> Void
    ) throws(Failure) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent).tmp-"
        removeAbandoned(in: folder, prefix: prefix)
        let temporary = "\(folder)/\(prefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        // open() applies the umask; the replaced file's bits are kept exactly.
        fchmod(fd, mode)
        if let owner, geteuid() == 0 { fchown(fd, owner.0, owner.1) }
        var failure = writeAll(contents, to: fd)
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

    /// The number of this process's descriptor that `path` names through /proc/PID/fd
    /// (`/dev/stdout` links there, `/dev/fd` too), following symbolic links; `nil` for any
    /// other path.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        let ownFolder = "/proc/\(getpid())/fd"
        var current = path
        for _ in 0..<8 {
            let url = URL(fileURLWithPath: current)
            let folder = url.deletingLastPathComponent().path
            if let resolved = realpath(folder, nil) {
                defer { free(resolved) }
                if String(cString: resolved) == ownFolder, let number = Int32(url.lastPathComponent) { return number }
            }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length > 0 else { return nil }
            let target = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : "\(folder)/\(target)"
        }
        return nil
    }

    /// A device or FIFO: opened without waiting (a FIFO with no reader is an error, not a
    /// hang), then written as a stream.
    private static func writeInPlace(_ contents: some Collection<some TextPiece>, to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno == ENXIO ? "no process is reading the FIFO" : String(cString: strerror(errno))
            throw Failure(path: path, reason: reason)
        }
        defer { close(fd) }
        if let failure = writeAll(contents, to: fd) { throw Failure(path: path, reason: failure) }
    }

    /// A Unix stream socket: connected to and written.
    private static func sendToSocket(_ contents: some Collection<some TextPiece>, at path: String) throws(Failure) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw Failure(path: path, reason: "the socket's path is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
        guard connected else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        if let failure = writeAll(contents, to: fd) { throw Failure(path: path, reason: failure) }
    }

    /// Writes the pieces in order, gathered in 1 MiB chunks (a piece is often one probe's
    /// samples: a system call each would cost more than the text); the first failure ends it.
    private static func writeAll(_ pieces: some Collection<some TextPiece>, to fd: Int32) -> String? {
        if let only = pieces.first, pieces.index(after: pieces.startIndex) == pieces.endIndex,
            var text = only as? String
        {
            return text.withUTF8 { BoundedWrite.writeAll(fd, UnsafeRawBufferPointer($0)) }
        }
        let chunk = 1 << 20
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk)
        for piece in pieces {
            piece.append(to: &buffer)
            guard buffer.count >= chunk else { continue }
            if let failure = buffer.withUnsafeBytes({ BoundedWrite.writeAll(fd, $0) }) { return failure }
            buffer.removeAll(keepingCapacity: true)
        }
        return buffer.withUnsafeBytes { BoundedWrite.writeAll(fd, $0) }
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

/// A part of a file's text that writes its own UTF-8 bytes: a string, or a piece made only
/// as it is written (a probe's per-class Prometheus lines), so that a large file is never
/// held whole.
public protocol TextPiece {
    /// Appends the piece's UTF-8 bytes to `bytes`.
    func append(to bytes: inout [UInt8])
}

extension String: TextPiece {
    public func append(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: utf8)
    }
}

extension Substring: TextPiece {
    public func append(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: utf8)
    }
}
