import ArgumentParser
import CanaryCore
import Curl
import Foundation

/// libcurl could not be started.
struct ClientUnavailable: RunFailure {
    var error: CurlError
    var description: String { error.description }
}

extension CurlClient {
    /// A client for a command; a failure to start one ends the command UNKNOWN with one line.
    static func starting() throws(ClientUnavailable) -> CurlClient {
        do {
            return try CurlClient()
        } catch {
            throw ClientUnavailable(error: error)
        }
    }
}
