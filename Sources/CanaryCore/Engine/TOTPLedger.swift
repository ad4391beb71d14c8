import Foundation
import OneTimePassword
import Synchronization

/// The TOTP time steps already used, per probe and generator, so that no code is sent
/// twice: a server that refuses a replayed code would fail the second attempt of a run.
final class TOTPLedger: Sendable {
    private let used = Mutex<[String: Int64]>([:])

    /// Records the code of now as used for `key`.
    func markUsed(_ totp: TOTP, key: String) {
        let counter = totp.counter(at: Date())
        used.withLock { $0[key] = counter }
    }

    /// What a wait for a fresh code came to.
    enum Wait {
        /// The code of now was not used yet.
        case fresh
        /// It was: the next was waited for, this long.
        case waited(Duration)
        /// It was, and the next comes too late for the time left: this long from now.
        case tooLate(Duration)
    }

    /// Waits until `totp` has a code not used yet for `key`, when that fits in `left` (with
    /// a second to spare for the request).
    func freshCode(_ totp: TOTP, key: String, left: Duration) async -> Wait {
        let now = Date()
        guard used.withLock({ $0[key] }) == totp.counter(at: now) else { return .fresh }
        let wait = Duration.seconds(totp.nextStep(after: now).timeIntervalSince(now))
        guard wait + .seconds(1) <= left else { return .tooLate(wait) }
        try? await Task.sleep(for: wait)
        return .waited(wait)
    }
}
