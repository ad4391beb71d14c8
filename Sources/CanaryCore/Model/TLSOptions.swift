import Curl
import Foundation

/// TLS settings of a probe (`tls:`).
public struct TLSOptions: Sendable {
    public var caFile: String?
    public var insecure = false
    public var clientCertificate: String?
    public var clientKey: String?
    /// The TLS version the handshake must use (check_curl's `-S 1.2`, or `1.2+` for that
    /// one or newer); `nil` negotiates.
    public var version: CurlRequest.TLSVersion?

    public init() {}
}
