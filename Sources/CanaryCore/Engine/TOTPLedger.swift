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

    /// Waits until `totp` has a code not used yet for `key`, when that fits in `left` (with
    /// a second to spare for the request), and records the code as used. When it does not
    /// fit, the used code goes again (the server decides), rather than the whole attempt
    /// being spent waiting.
    /// - Returns: How long it waited; `nil` when it did not wait.
    func freshCode(_ totp: TOTP, key: String, left: Duration) async -> Duration? {
        let now = Date()
        let last = used.withLock { $0[key] }
        guard last == totp.counter(at: now) else {
            used.withLock { $0[key] = totp.counter(at: now) }
            return nil
        }
        let wait = Duration.seconds(totp.nextStep(after: now).timeIntervalSince(now))
        guard wait + .seconds(1) <= left else { return nil }
        try? await Task.sleep(for: wait)
        used.withLock { $0[key] = totp.counter(at: Date()) }
        return wait
    }
}
