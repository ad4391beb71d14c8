/// Which address family a probe resolves its host to (`ip_version`).
public enum IPVersion: String, Sendable, CaseIterable {
    case any
    case v4 = "4"
    case v6 = "6"
}
