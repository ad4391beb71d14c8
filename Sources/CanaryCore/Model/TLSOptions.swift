import Foundation

/// TLS settings of a probe (`tls:`).
public struct TLSOptions: Sendable {
    public var caFile: String?
    public var insecure = false
    public var clientCertificate: String?
    public var clientKey: String?

    public init() {}
}
