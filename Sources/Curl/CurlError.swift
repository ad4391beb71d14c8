import CCurl
import Glibc

/// A libcurl error: its `CURLcode`, its symbolic name and curl's own message.
public struct CurlError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure the code stands for, independent of any prober's vocabulary.
    public enum Category: Sendable, Equatable {
        case timeout
        case resolve
        case connect
        case tls
        case tooManyRedirects
        case tooLarge
        case protocolError
        case cancelled
        /// This process ran out of file descriptors (EMFILE, ENFILE): no request was sent,
        /// and the server is not to blame.
        case outOfDescriptors
        case other
    }

    public var code: Int
    /// The message from curl's error buffer, or `curl_easy_strerror` when that is empty.
    public var message: String
    /// The system's `errno` behind a failed connect (`CURLINFO_OS_ERRNO`), 0 if none.
    public var systemErrno: Int32

    public init(code: Int, message: String, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message
        self.systemErrno = systemErrno
    }

    public var category: Category {
        if systemErrno == EMFILE || systemErrno == ENFILE || message.contains("Too many open files")
            || message.contains("thread failed to start")
        {
            return .outOfDescriptors
        }
        switch CURLcode(UInt32(clamping: code)) {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .resolve
        case CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED:
            return .tls
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
            CURLE_WEIRD_SERVER_REPLY, CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR, CURLE_WRITE_ERROR,
            CURLE_READ_ERROR:
            return .protocolError
        default:
            return .other
        }
    }

    /// Whether the name that did not resolve was the proxy's.
    public var isProxyResolveFailure: Bool { code == Int(CURLE_COULDNT_RESOLVE_PROXY.rawValue) }

    /// libcurl's symbolic-ish short text for the code, e.g. "Timeout was reached".
    public var codeDescription: String {
        String(cString: curl_easy_strerror(CURLcode(UInt32(clamping: code))))
    }

    public var description: String {
        message.isEmpty ? codeDescription : message
    }
}
