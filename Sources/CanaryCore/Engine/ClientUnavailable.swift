/// libcurl could not be started.
public struct ClientUnavailable: RunFailure {
    public var error: any Error
    public var description: String { "\(error)" }
}

extension Engine {
    /// The engine of a command; a failure to start one ends the command UNKNOWN with one line.
    public static func starting() throws(ClientUnavailable) -> Engine {
        do {
            return try Engine.start()
        } catch {
            throw ClientUnavailable(error: error)
        }
    }
}
