import CCurl
import Foundation

/// One libcurl easy handle with everything its transfer needs kept alive beside it:
/// the header list, the request body, the error buffer and the collected response.
///
/// Created on any thread, then owned by ``CurlClient``'s driver thread until it
/// finishes; the callbacks run on that thread only. That hand-over is what the
/// `@unchecked Sendable` stands for: no two threads ever use one at the same time.
final class EasyHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    let request: CurlRequest
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    /// Whether the transfer stopped at the first body byte because the request wanted
    /// the headers only: not a failure.
    private var stoppedAfterHeaders = false
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    private let requestBody: [CChar]?

    var body: [UInt8] = []
    var bodyBytes = 0
    var bodyTooLarge = false
    var headers: [(name: String, value: String)] = []
    /// The `errno` of a socket this process could not open (EMFILE: out of descriptors);
    /// libcurl reports that only as "Couldn't connect to server".
    var socketErrno: Int32 = 0

    /// Bounds on what the header callback keeps, so a hostile server cannot grow memory.
    private static let maxHeaderFields = 256

    /// Redirects followed by hand (``CurlRequest/followsRedirectsByHand``): how many so
    /// far, the first URL's origin and credentials, the method now, and the timing marks of
    /// the hops already made, summed as libcurl sums them across the redirects it follows.
    var hops = 0
    let first: CurlURL?
    var method: String
    var earlierMarks = Marks()
    /// Whether the next hop would send the request body (a 303 turns it into a GET).
    var sendsBody: Bool

    init(request: CurlRequest) throws(CurlError) {
        guard let handle = curl_easy_init() else {
            throw CurlError(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.handle = handle
        self.request = request
        self.requestBody = request.body.map { $0.map { CChar(bitPattern: $0) } }
        self.sendsBody = request.body != nil
        self.first = request.followsRedirectsByHand ? CurlURL(request.url) : nil
        self.method = request.method.uppercased()
        do {
            try configure()
        } catch {
            cleanup()
            throw error
        }
    }

    /// Frees the handle; it must already be out of any multi handle.
    func cleanup() {
        curl_easy_cleanup(handle)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        if let connectToList { curl_slist_free_all(connectToList) }
        connectToList = nil
    }

    private func configure() throws(CurlError) {
        let request = self.request
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try errorBuffer.withUnsafeMutableBufferPointer { buffer throws(CurlError) in
            try check(ccurl_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress))
        }
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FRESH_CONNECT, 1)
        try set(CURLOPT_FORBID_REUSE, 1)
        try set(CURLOPT_DNS_CACHE_TIMEOUT, 0)
        let timeoutMs = max(1, Int(request.timeout.milliseconds))
        try set(CURLOPT_TIMEOUT_MS, timeoutMs)
        try set(CURLOPT_CONNECTTIMEOUT_MS, timeoutMs)
        try set(CURLOPT_FOLLOWLOCATION, request.followRedirects && !request.followsRedirectsByHand ? 1 : 0)
        // A cookie jar for this transfer alone: a portal that sets a cookie and redirects
        // to itself until it comes back gets it back, as in a browser.
        try set(CURLOPT_COOKIEFILE, "")
        for cookie in request.cookies { try set(CURLOPT_COOKIELIST, cookie) }
        try set(CURLOPT_MAXREDIRS, request.maxRedirects)
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_USERAGENT, request.userAgent)
        try check(ccurl_easy_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBodyBytes)))
        try set(CURLOPT_CERTINFO, 1)
        try configureMethod()
        try configureHeaders()
        try configureTLS()
        if let proxy = request.proxy { try set(CURLOPT_PROXY, proxy) }
        if let connectTo = request.connectTo {
            connectToList = curl_slist_append(nil, connectTo)
            try check(ccurl_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, connectToList))
        }
        switch request.ipVersion {
        case .any: try set(CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_WHATEVER))
        case .v4: try set(CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V4))
        case .v6: try set(CURLOPT_IPRESOLVE, Int(CURL_IPRESOLVE_V6))
        }
    }

    private func configureMethod() throws(CurlError) {
        let method = request.method.uppercased()
        if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else if method != "GET" || requestBody != nil {
            try set(CURLOPT_CUSTOMREQUEST, method)
        }
        if let requestBody {
            try set(CURLOPT_POSTFIELDSIZE, requestBody.count)
            try requestBody.withUnsafeBufferPointer { buffer throws(CurlError) in
                // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
                try check(
                    ccurl_easy_setopt_ptr(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? nil)))
            }
        }
    }

    /// Sets the header list; without `originBound`, leaves out the headers that may be
    /// sent only to the first URL's origin, and the credentials libcurl itself keeps to it.
    func configureHeaders(originBound: Bool = true) throws(CurlError) {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        for header in request.headers {
            let name = header.name.lowercased()
            if !originBound, request.originBoundHeaders.contains(name) || Self.credentialHeaders.contains(name) {
                continue
            }
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        try check(ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
    }

    /// Headers libcurl never sends to another host than the first when it follows redirects.
    private static let credentialHeaders: Set<String> = ["authorization", "cookie"]

    private func configureTLS() throws(CurlError) {
        if let caFile = request.caFile { try set(CURLOPT_CAINFO, caFile) }
        if request.insecure {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let cert = request.clientCertificate { try set(CURLOPT_SSLCERT, cert) }
        if let key = request.clientKey { try set(CURLOPT_SSLKEY, key) }
        if let version = request.tlsVersion {
            let (minimum, maximum) =
                switch version.version {
                case .tls10: (Int(CURL_SSLVERSION_TLSv1_0), Int(CURL_SSLVERSION_MAX_TLSv1_0))
                case .tls11: (Int(CURL_SSLVERSION_TLSv1_1), Int(CURL_SSLVERSION_MAX_TLSv1_1))
                case .tls12: (Int(CURL_SSLVERSION_TLSv1_2), Int(CURL_SSLVERSION_MAX_TLSv1_2))
                case .tls13: (Int(CURL_SSLVERSION_TLSv1_3), Int(CURL_SSLVERSION_MAX_TLSv1_3))
                }
            try set(CURLOPT_SSLVERSION, version.orNewer ? minimum : minimum | maximum)
        }
    }

    /// Takes `count` decoded body bytes; returns false to make curl abort the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if request.headersOnly, !bytes.isEmpty {
            stoppedAfterHeaders = true
            return false
        }
        bodyBytes += bytes.count
        guard bodyBytes <= request.maxBodyBytes else {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Takes one header line. A status line starts a new response (after a redirect or a
    /// 100 Continue), so only the last response's fields are kept.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        if bytes.starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard headers.count < Self.maxHeaderFields, let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
            return
        }
        let name = String(decoding: Self.trimmed(bytes[..<colon]), as: UTF8.self)
        let valueBytes = Self.trimmed(bytes[(colon + 1)...])
        var value = String(
            decoding: CurlResponse.utf8Prefix(valueBytes, CurlResponse.maxHeaderValueBytes), as: UTF8.self)
        if valueBytes.count > CurlResponse.maxHeaderValueBytes { value += CurlResponse.truncationMark }
        guard !name.isEmpty else { return }
        headers.append((name: name, value: value))
    }

    /// `bytes` without leading and trailing spaces, tabs, CRs and LFs.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    /// Reads everything the finished transfer measured.
    func response(result: CURLcode) -> CurlResponse {
        var response = CurlResponse(
            status: getLong(CURLINFO_RESPONSE_CODE),
            httpVersion: Self.versionName(getLong(CURLINFO_HTTP_VERSION)),
            remoteIP: getString(CURLINFO_PRIMARY_IP) ?? "",
            redirects: first == nil ? getLong(CURLINFO_REDIRECT_COUNT) : hops,
            headers: headers,
            body: body,
            bodyBytes: bodyBytes,
            bodyTooLarge: bodyTooLarge,
            timings: (earlierMarks + currentMarks()).timings,
            certificateExpiry: CertificateInfo.earliestExpiry(handle),
            effectiveURL: getString(CURLINFO_EFFECTIVE_URL) ?? request.url
        )
        response.proxy = request.effectiveProxy(for: response.effectiveURL)
        if request.exportsCookies { response.cookies = cookieLines() }
        // After a redirect from https to http, libcurl still reports the first hop's
        // certificates: the final request had none.
        if !response.effectiveURL.lowercased().hasPrefix("https:") { response.certificateExpiry = nil }
        let contentLength = getOffset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
        response.contentLength = contentLength >= 0 ? contentLength : nil
        if result != CURLE_OK, !(stoppedAfterHeaders && result == CURLE_WRITE_ERROR) {
            let message = errorBuffer.withUnsafeBufferPointer { $0.baseAddress.map { String(cString: $0) } ?? "" }
            response.error = CurlError(
                code: Int(result.rawValue), message: message,
                systemErrno: socketErrno != 0 ? socketErrno : Int32(clamping: getLong(CURLINFO_OS_ERRNO)))
            if bodyTooLarge {
                response.error = CurlError(
                    code: Int(CURLE_FILESIZE_EXCEEDED.rawValue),
                    message: "body larger than \(request.maxBodyBytes) bytes")
            }
        }
        return response
    }

    /// The handle's cookie jar, as libcurl's cookie lines.
    private func cookieLines() -> [String] {
        var pointer: UnsafeMutableRawPointer?
        guard ccurl_easy_getinfo_ptr(handle, CURLINFO_COOKIELIST, &pointer) == CURLE_OK, let pointer else { return [] }
        let list = pointer.assumingMemoryBound(to: curl_slist.self)
        defer { curl_slist_free_all(list) }
        var lines: [String] = []
        var item: UnsafeMutablePointer<curl_slist>? = list
        while let current = item {
            if let data = current.pointee.data { lines.append(String(cString: data)) }
            item = current.pointee.next
        }
        return lines
    }

    private static func versionName(_ version: Int) -> String {
        switch version {
        case Int(CURL_HTTP_VERSION_1_0): return "1.0"
        case Int(CURL_HTTP_VERSION_1_1): return "1.1"
        case Int(CURL_HTTP_VERSION_2_0): return "2"
        case Int(CURL_HTTP_VERSION_3): return "3"
        default: return ""
        }
    }

    // MARK: setopt / getinfo

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_easy_setopt_long(handle, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // libcurl copies string options (since 7.17), so a temporary C string suffices.
        try check(ccurl_easy_setopt_string(handle, option, value))
    }

    func setOptional(_ option: CURLoption, _ value: String?) throws(CurlError) {
        guard let value else { return try check(ccurl_easy_setopt_ptr(handle, option, nil)) }
        try set(option, value)
    }

    func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
    }

    func getLong(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }

    func getOffset(_ info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        return ccurl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK ? Int(value) : 0
    }

    func getString(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ccurl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }
}
