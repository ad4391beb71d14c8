import Foundation

/// A device authorization response (RFC 8628 section 3.2).
struct DeviceAuthorization: Sendable {
    var deviceCode: String
    var userCode: String
    var verificationURI: String
    var expiresIn: Double
    var interval: Double

    init?(body: [UInt8]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let deviceCode = object["device_code"] as? String, let userCode = object["user_code"] as? String,
            // Entra's v1 endpoint says verification_url.
            let uri = (object["verification_uri"] ?? object["verification_url"]) as? String
        else { return nil }
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURI = uri
        expiresIn = (object["expires_in"] as? NSNumber)?.doubleValue ?? 900
        interval = (object["interval"] as? NSNumber)?.doubleValue ?? 5
    }
}
