import CanaryCore

/// libcurl could not be started.
struct ClientUnavailable: RunFailure {
    var error: any Error
    var description: String { "\(error)" }
}

extension Engine {
    /// The engine of a command; a failure to start one ends the command UNKNOWN with one line.
    static func starting() throws(ClientUnavailable) -> Engine {
        do {
            return try Engine.start()
        } catch {
            throw ClientUnavailable(error: error)
        }
    }
}
