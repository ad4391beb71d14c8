import Foundation
import Synchronization

/// Access tokens kept for the life of the engine (one run, or a whole watch), by probe,
/// until a minute before they expire: every attempt and step reuses one.
final class TokenCache: Sendable {
    private struct Entry {
        var settings: Credentials.OAuth2
        var token: String
        var expires: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Rotated refresh tokens that could not be written to their file, by path: the only
    /// copy of the live token, used and written again before any other refresh.
    private let unwritten = Mutex<[String: String]>([:])

    /// The refresh token for `path` that is still to be written, if any.
    func unwrittenRefreshToken(for path: String) -> String? {
        unwritten.withLock { $0[path] }
    }

    /// Records (or, with `nil`, clears) the refresh token for `path` still to be written.
    func setUnwrittenRefreshToken(_ token: String?, for path: String) {
        unwritten.withLock { $0[path] = token }
    }

    /// The probe's token, when one is kept for these settings and still good at `now`.
    func token(for probe: String, settings: Credentials.OAuth2, at now: Date = Date()) -> String? {
        entries.withLock { entries in
            guard let entry = entries[probe], entry.settings == settings, entry.expires > now else { return nil }
            return entry.token
        }
    }

    /// Keeps `token` for the probe: `lifetime` seconds less a minute (an hour when unsaid).
    func keep(_ token: String, for probe: String, settings: Credentials.OAuth2, lifetime: Double?) {
        let expires = Date().addingTimeInterval(max(0, (lifetime ?? 3600) - 60))
        entries.withLock { $0[probe] = Entry(settings: settings, token: token, expires: expires) }
    }
}
