import Foundation

/// canary's own version, printed by `--version` and sent in the User-Agent.
public enum CanaryVersion {
    public static let current = "0.1.0"
}
