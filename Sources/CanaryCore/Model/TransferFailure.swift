/// Why a transfer ended early, in the terms the classifier judges.
public struct TransferFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Category: Sendable, Equatable {
        case timeout
        case resolve
        case connect
        case tls
        case tooManyRedirects
        case tooLarge
        case protocolError
        /// Cancelled by canary itself (a stop): says nothing of the portal.
        case cancelled
        /// This process ran out of file descriptors: no request was sent.
        case outOfDescriptors
        case other
    }

    public var category: Category
    /// The transfer library's own words.
    public var message: String
    /// Whether the name that did not resolve was the proxy's.
    public var isProxyResolveFailure: Bool

    public init(category: Category, message: String, isProxyResolveFailure: Bool = false) {
        self.category = category
        self.message = message
        self.isProxyResolveFailure = isProxyResolveFailure
    }

    public var description: String { message }
}
