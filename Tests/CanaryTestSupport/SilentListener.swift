import Foundation

/// A loopback port that accepts connections into its backlog and never answers: a
/// Pushgateway (or portal) that hangs.
public final class SilentListener: @unchecked Sendable {
    // @unchecked: the descriptor is only closed, once, by `close()`.
    private let descriptor: Int32
    public let port: Int

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 16) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard listening else {
            Foundation.close(descriptor)
            throw TestSupportError("cannot listen on a loopback port")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func close() {
        Foundation.close(descriptor)
    }
}
