import Synchronization

/// Secrets a probe's attempts learnt (tokens, rotated refresh tokens, `secret: true`
/// captures), kept for the engine's life so that a later attempt or run hides them too:
/// a server may echo in attempt 2 what attempt 1 was given. The newest 32 per probe.
final class LearntSecrets: Sendable {
    private let secrets = Mutex<[String: [String]]>([:])
    private static let kept = 32

    /// The probe's learnt secrets, oldest first.
    func secrets(for probe: String) -> [String] {
        secrets.withLock { $0[probe] ?? [] }
    }

    /// Adds `values` to the probe's secrets.
    func add(_ values: [String], for probe: String) {
        guard !values.isEmpty else { return }
        secrets.withLock { secrets in
            var list = secrets[probe] ?? []
            for value in values where !value.isEmpty && !list.contains(value) { list.append(value) }
            secrets[probe] = Array(list.suffix(Self.kept))
        }
    }
}
