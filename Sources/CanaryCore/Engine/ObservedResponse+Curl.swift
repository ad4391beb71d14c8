import Curl

extension ObservedResponse {
    /// The most of a header value kept (libcurl's header callback cuts longer ones).
    static let maxHeaderValueBytes = CurlResponse.maxHeaderValueBytes
    /// Ends a header value that was cut.
    static let truncationMark = CurlResponse.truncationMark

    /// At most `count` leading bytes of UTF-8 text, never ending inside a character.
    static func utf8Prefix<Bytes: Collection>(_ bytes: Bytes, _ count: Int) -> Bytes.SubSequence
    where Bytes.Element == UInt8 {
        CurlResponse.utf8Prefix(bytes, count)
    }

    /// libcurl's answer in the classifier's terms.
    public init(_ response: CurlResponse) {
        self.init(
            failure: response.error.map(TransferFailure.init), status: response.status,
            httpVersion: response.httpVersion, remoteIP: response.remoteIP, redirects: response.redirects,
            headers: response.headers, body: response.body, bodyBytes: response.bodyBytes,
            contentLength: response.contentLength, bodyTooLarge: response.bodyTooLarge,
            timings: PhaseTimings(response.timings), certificateExpiry: response.certificateExpiry,
            effectiveURL: response.effectiveURL, proxy: response.proxy)
        cookies = response.cookies
    }
}

extension PhaseTimings {
    init(_ timings: Timings) {
        self.init(
            resolve: timings.resolve, connect: timings.connect, tls: timings.tls, processing: timings.processing,
            transfer: timings.transfer, total: timings.total)
    }
}

extension TransferFailure {
    init(_ error: CurlError) {
        let category: Category =
            switch error.category {
            case .timeout: .timeout
            case .resolve: .resolve
            case .connect: .connect
            case .tls: .tls
            case .tooManyRedirects: .tooManyRedirects
            case .tooLarge: .tooLarge
            case .protocolError: .protocolError
            case .cancelled: .cancelled
            case .outOfDescriptors: .outOfDescriptors
            case .other: .other
            }
        self.init(category: category, message: error.description, isProxyResolveFailure: error.isProxyResolveFailure)
    }
}
