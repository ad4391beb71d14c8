import Foundation
import OneTimePassword
import Synchronization

/// The TOTP time steps already used, per secret (two probes signing in to one account
/// share its codes), so that no code is sent twice: a server that refuses a replayed code
/// would fail the second attempt, or the second probe, of a run.
final class TOTPLedger: Sendable {
    private let used = Mutex<[String: Int64]>([:])

    /// The ledger's key for `totp`: its secret and period (kept in memory only).
    static func key(_ totp: TOTP) -> String {
        totp.secret.map { String($0, radix: 16) }.joined(separator: ".") + "/\(totp.period)"
    }

    /// Records the code of now as used for `key`.
    func markUsed(_ totp: TOTP, key: String) {
        let counter = totp.counter(at: Date())
        used.withLock { $0[key] = counter }
    }

    /// What a wait for a fresh code came to.
    enum Wait {
        /// The code of now was not used yet, and is claimed as of this time.
        case fresh(Date)
        /// It was: the next was waited for, this long, and claimed as of the time given.
        case waited(Duration, Date)
        /// It was, and the next comes too late for the time left: this long from now.
        case tooLate(Duration)
    }

    /// Waits until `totp` has a code not used yet for `key`, when that fits in `left` (with
    /// a second to spare for the request), and claims it: of two probes asking at once,
    /// one gets the code of now and the other waits for the next. The code to send is the
    /// one of the time returned, the claimed one, even if its period has just ended.
    func freshCode(_ totp: TOTP, key: String, left: Duration) async -> Wait {
        var waited = Duration.zero
        while true {
            let now = Date()
            let counter = totp.counter(at: now)
            let claimed = used.withLock { used in
                guard used[key] != counter else { return false }
                used[key] = counter
                return true
            }
            if claimed { return waited == .zero ? .fresh(now) : .waited(waited, now) }
            let wait = Duration.seconds(totp.nextStep(after: now).timeIntervalSince(now))
            guard waited + wait + .seconds(1) <= left, !Task.isCancelled else { return .tooLate(wait) }
            try? await Task.sleep(for: wait)
            waited += wait
        }
    }
}
