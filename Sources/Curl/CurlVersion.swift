import CCurl

/// The libcurl this process runs on, for `--version` output and the User-Agent.
public enum CurlVersion {
    /// libcurl's version, e.g. "7.88.1".
    public static var libcurl: String {
        guard let info = curl_version_info(CURLVERSION_TENTH), let version = info.pointee.version else { return "?" }
        return String(cString: version)
    }

    /// The TLS backend, e.g. "OpenSSL/3.0.19".
    public static var tlsBackend: String {
        guard let info = curl_version_info(CURLVERSION_TENTH), let ssl = info.pointee.ssl_version else { return "none" }
        return String(cString: ssl)
    }
}
