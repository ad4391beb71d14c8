import CCurl

/// Redirects followed hop by hop (``CurlRequest/followsRedirectsByHand``), as libcurl
/// would follow them, but keeping origin-bound headers to their origin.
extension EasyHandle {
    /// What a finished hop leads to when redirects are followed by hand.
    enum Hop {
        /// The response is final.
        case done
        /// The handle is set up for the next hop: add it to the multi handle again.
        case follow
        /// The chain ends in this error (too many redirects, another protocol, no time).
        case fail(CurlError)
    }

    /// After a hop ends: when it is a redirect to follow by hand, sets the handle up for
    /// the next hop (its URL, method, headers and the time left) and says `.follow`.
    func nextHop(result: CURLcode) -> Hop {
        guard let first, result == CURLE_OK else { return .done }
        let status = getLong(CURLINFO_RESPONSE_CODE)
        guard [301, 302, 303, 307, 308].contains(status), let location = getString(CURLINFO_REDIRECT_URL) else {
            return .done
        }
        guard let next = CurlURL(location, anyScheme: true), next.scheme == "http" || next.scheme == "https" else {
            return .fail(
                CurlError(
                    code: Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue),
                    message: "redirect to \(Self.schemeName(location)) not followed: http and https only"))
        }
        let sameOrigin = next.origin == first.origin
        if request.sameOriginRedirects, !sameOrigin { return .done }
        if !sameOrigin, request.originBoundBody, sendsBody, keepsBody(after: status) {
            return .fail(
                CurlError(
                    code: Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue),
                    message: "redirect (\(status)) to another origin not followed: it would send the secret body there")
            )
        }
        guard hops < request.maxRedirects else {
            return .fail(
                CurlError(
                    code: Int(CURLE_TOO_MANY_REDIRECTS.rawValue),
                    message: "Maximum (\(request.maxRedirects)) redirects followed"))
        }
        earlierMarks = earlierMarks + currentMarks()
        let left = Int(request.timeout.milliseconds) - earlierMarks.total / 1000
        guard left > 0 else {
            return .fail(
                CurlError(
                    code: Int(CURLE_OPERATION_TIMEDOUT.rawValue),
                    message: "Operation timed out after \(earlierMarks.total / 1000) milliseconds in redirects"))
        }
        hops += 1
        do throws(CurlError) {
            try prepare(next: location, sameOrigin: sameOrigin, status: status, timeLeftMs: left)
        } catch {
            return .fail(error)
        }
        body.removeAll(keepingCapacity: true)
        bodyBytes = 0
        headers.removeAll(keepingCapacity: true)
        return .follow
    }

    /// Whether the next hop sends the body again: a 303 (but for HEAD) and a 301 or 302
    /// after a POST turn into a GET without one.
    private func keepsBody(after status: Int) -> Bool {
        !((status == 303 && method != "HEAD") || ([301, 302].contains(status) && method == "POST"))
    }

    /// Points the handle at the next hop, as libcurl would: 303 (and 301 or 302 after a
    /// POST) turn into a GET without a body; the first URL's credentials and origin-bound
    /// headers go only to that origin.
    private func prepare(next location: String, sameOrigin: Bool, status: Int, timeLeftMs: Int) throws(CurlError) {
        try set(CURLOPT_URL, location)
        if (status == 303 && method != "HEAD") || ([301, 302].contains(status) && method == "POST") {
            method = "GET"
            sendsBody = false
            try set(CURLOPT_HTTPGET, 1)
            try check(ccurl_easy_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, nil))
        }
        try configureHeaders(originBound: sameOrigin)
        let credentials = sameOrigin && CurlURL(location)?.user == nil ? first : nil
        try setOptional(CURLOPT_USERNAME, credentials?.user?.removingPercentEncodingOrSelf())
        try setOptional(CURLOPT_PASSWORD, credentials?.decodedPassword)
        try set(CURLOPT_TIMEOUT_MS, timeLeftMs)
        try set(CURLOPT_CONNECTTIMEOUT_MS, timeLeftMs)
    }

    /// libcurl's cumulative timing marks of the hop just ended, in microseconds.
    func currentMarks() -> Marks {
        Marks(
            nameLookup: getOffset(CURLINFO_NAMELOOKUP_TIME_T), connect: getOffset(CURLINFO_CONNECT_TIME_T),
            appConnect: getOffset(CURLINFO_APPCONNECT_TIME_T), startTransfer: getOffset(CURLINFO_STARTTRANSFER_TIME_T),
            total: getOffset(CURLINFO_TOTAL_TIME_T))
    }

    /// "a gopher: URL", or "an unreadable URL": never the Location itself, which may hold
    /// a secret the server echoed.
    private static func schemeName(_ location: String) -> String {
        let scheme = location.prefix { $0 != ":" }
        guard scheme.count < location.count, (1...32).contains(scheme.count),
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return "an unreadable URL" }
        return "a \(scheme.lowercased()): URL"
    }
}
