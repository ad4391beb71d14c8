import Foundation

/// The file that holds a probe's refresh token. Refreshing rotates it, so overlapping runs
/// take turns: each holds an exclusive lock on `FILE.lock` from reading the token until the
/// new one is written back (atomically, mode 0600), and none ever sends a token another
/// has already spent.
struct RefreshTokenFile: Sendable {
    let path: String

    /// Why the file could not be used.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Takes the lock, waiting at most `timeout`.
    /// - Returns: The lock's descriptor, for ``unlock(_:)``.
    func lock(timeout: Duration) async throws(Problem) -> Int32 {
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Problem(description: "cannot open \(path).lock: \(String(cString: strerror(errno)))")
        }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline, !Task.isCancelled else {
                close(descriptor)
                throw Problem(description: "another canary run holds \(path).lock")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return descriptor
    }

    func unlock(_ descriptor: Int32) {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The token, without surrounding white space.
    func read() throws(Problem) -> String {
        let data: Data
        do {
            data = try RegularFile.read(path, limit: 64 << 10)
        } catch {
            throw Problem(description: "cannot read \(path) (run 'canary login' to create it)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw Problem(description: "\(path) is empty (run 'canary login')") }
        return token
    }

    /// Checks that a new token can be written (atomically: a file made beside it, then
    /// renamed), before the old one is spent: a refresh rotates the token, and one that
    /// cannot be kept loses the account's sign-in.
    func checkWritable() throws(Problem) {
        let folder = (path as NSString).deletingLastPathComponent
        let place = folder.isEmpty ? "." : folder
        // As the write will meet it: with the effective user's rights.
        guard faccessat(AT_FDCWD, place, W_OK | X_OK, AT_EACCESS) == 0 else {
            throw Problem(
                description: "cannot write a new token in \(place) (\(String(cString: strerror(errno)))); "
                    + "the token in \(path) was not sent, so it is still good")
        }
    }

    /// Writes `token` in place of the old one, atomically, readable by its owner only.
    func write(_ token: String) throws(Problem) {
        do {
            try AtomicFile.write(token + "\n", to: path, mode: 0o600)
            // A file made with wider permissions keeps them through the rewrite; a token
            // never should.
            chmod(path, 0o600)
        } catch {
            throw Problem(description: "cannot write the new refresh token to \(path): \(error)")
        }
    }
}
