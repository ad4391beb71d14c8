import CCurl
import Foundation

/// Reads the peer's certificate chain from libcurl's certinfo (`CURLOPT_CERTINFO`).
enum CertificateInfo {
    /// The earliest "Expire date" over the chain, or `nil` when there was no TLS handshake.
    static func earliestExpiry(_ handle: UnsafeMutableRawPointer) -> Date? {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard ccurl_easy_getinfo_certinfo(handle, &info) == CURLE_OK, let info, let chain = info.pointee.certinfo
        else { return nil }
        var earliest: Date?
        for index in 0..<Int(info.pointee.num_of_certs) {
            var item = chain[index]
            while let entry = item {
                if let text = entry.pointee.data.map({ String(cString: $0) }), text.hasPrefix("Expire date:"),
                    let date = parseDate(String(text.dropFirst("Expire date:".count)))
                {
                    earliest = min(earliest ?? date, date)
                }
                item = entry.pointee.next
            }
        }
        return earliest
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses OpenSSL's `ASN1_TIME_print` form, "Jan  2 03:04:05 2027 GMT" (also the
    /// "2027-01-02 03:04:05 GMT" form other TLS backends print).
    static func parseDate(_ text: String) -> Date? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" })
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        if fields.count >= 6, let month = months.firstIndex(of: String(fields[0])) {
            components.month = month + 1
            components.day = Int(fields[1])
            components.hour = Int(fields[2])
            components.minute = Int(fields[3])
            components.second = Int(fields[4])
            components.year = Int(fields[5])
        } else if fields.count >= 6, let year = Int(fields[0]) {
            components.year = year
            components.month = Int(fields[1])
            components.day = Int(fields[2])
            components.hour = Int(fields[3])
            components.minute = Int(fields[4])
            components.second = Int(fields[5])
        } else {
            return nil
        }
        return Calendar(identifier: .gregorian).date(from: components)
    }
}
