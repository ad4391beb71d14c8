import Foundation

/// Reads files that a probe file points at, refusing what is not a regular file (a
/// device such as /dev/zero never ends) and what is over a size limit.
enum RegularFile {
    enum Failure: Error {
        case missing
        case notRegular
        case tooLarge(Int)
        case unreadable
    }

    /// Whether `path` is a regular file this process can read.
    static func isReadable(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// The contents of `path`, at most `limit` bytes.
    static func read(_ path: String, limit: Int) throws(Failure) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegular }
        guard Int(info.st_size) <= limit else { throw .tooLarge(Int(info.st_size)) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable }
        defer { try? handle.close() }
        // Read one byte past the limit in case the file grew since the stat.
        guard let data = try? handle.read(upToCount: limit + 1) else { return Data() }
        guard data.count <= limit else { throw .tooLarge(data.count) }
        return data
    }
}
