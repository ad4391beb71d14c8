import Foundation

/// The lock another canary run would hold on a `--state` file (`FILE.lock`, flock), held
/// by the test until ``release()``.
public final class StateLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock on `statePath`'s lock file; throws when it cannot.
    public init(_ statePath: String) throws {
        let descriptor = open("\(statePath).lock", O_RDWR | O_CREAT, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX) == 0 else {
            if descriptor >= 0 { Foundation.close(descriptor) }
            throw TestSupportError("cannot lock \(statePath).lock")
        }
        self.descriptor = descriptor
    }

    public func release() {
        Foundation.close(descriptor)
    }
}
