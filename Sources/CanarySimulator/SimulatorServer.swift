import NIOCore
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on loopback that reproduces the ways a sign-in portal fails.
///
/// It speaks raw bytes rather than using an HTTP codec, so it can also send
/// malformed responses. Every connection gets one response and is then closed.
///
/// ```swift
/// let server = try await SimulatorServer.start()
/// print(server.baseURL + "/status/504")  // http://127.0.0.1:PORT/status/504
/// try await server.shutdown()
/// ```
public final class SimulatorServer: Sendable {
    /// The address the server listens on.
    public let host: String
    /// The port the server listens on; the one the kernel picked when started with port 0.
    public let port: Int

    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let acceptTask: Task<Void, Never>
    private let isShutDown = Mutex(false)

    /// The URL of the server's root, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// Every route, for printing: the path with its query parameters and a one-line summary.
    public static var routes: [(path: String, summary: String)] {
        SimulatorRoute.allCases.map { ($0.usage, $0.summary) }
    }

    /// The scenario this server replays, if any.
    public let replay: ScenarioReplay?

    private let log = RequestLog()

    /// The token endpoint, API and logins under `/journey/`: tests issue refresh tokens
    /// and approve device codes through it.
    public let journey = JourneyRoutes()

    /// A vendor status page a test sets (`/vendor/api/v2/summary.json`).
    public let vendorPage: VendorPage

    /// Where notifications land: webhooks at `/hooks/NAME`, Application Insights at
    /// `/appinsights/v2.1/track`.
    public let receiver = Receiver()

    /// The heads of the requests received so far (the last 1,000), as sent, oldest first.
    public var receivedRequests: [String] { log.all }

    private init(
        host: String, port: Int, group: MultiThreadedEventLoopGroup, listener: SimulatorListener,
        replay: ScenarioReplay?
    ) {
        self.host = host
        self.port = port
        self.group = group
        self.listener = listener.channel
        self.replay = replay
        self.vendorPage = VendorPage(oauth: journey.oauth)
        let handler = ConnectionHandler(
            router: Router(replay: replay, log: log, journey: journey, vendorPage: vendorPage, receiver: receiver))
        let executor = LoopExecutor(group.next())
        self.acceptTask = Task(executorPreference: executor) { await Self.accept(on: listener, handler: handler) }
    }

    /// Starts listening.
    ///
    /// - Parameters:
    ///   - host: The address to bind, `127.0.0.1` unless told otherwise.
    ///   - port: The port to bind; 0 lets the kernel pick a free one, readable from ``port``.
    ///   - replay: A scenario to replay on `/portal/`, `/login/` and `/status/api/v2/status.json`.
    /// - Returns: A running server; call ``shutdown()`` when done with it.
    /// - Throws: If the address cannot be resolved or bound.
    public static func start(
        host: String = "127.0.0.1", port: Int = 0, replay: ScenarioReplay? = nil
    ) async throws -> SimulatorServer {
        // One thread is plenty for loopback I/O; request handling runs on it too (a
        // `LoopExecutor`), so a busy cooperative pool in the host process cannot slow it.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let listener = try await bind(host: host, port: port, group: group)
            guard let boundPort = listener.channel.localAddress?.port else {
                throw SimulatorServerError.noLocalAddress
            }
            return SimulatorServer(host: host, port: boundPort, group: group, listener: listener, replay: replay)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops accepting, closes every connection (including hanging ones), and
    /// shuts the event loop group down. Calling it again does nothing.
    ///
    /// - Throws: If the event loop group fails to shut down.
    public func shutdown() async throws {
        let alreadyShutDown = isShutDown.withLock { isShutDown in
            defer { isShutDown = true }
            return isShutDown
        }
        guard !alreadyShutDown else { return }
        listener.close(promise: nil)
        // Each connection task closes its own channel when cancelled.
        acceptTask.cancel()
        await acceptTask.value
        try await group.shutdownGracefully()
    }

    private static func bind(
        host: String,
        port: Int,
        group: MultiThreadedEventLoopGroup
    ) async throws -> SimulatorListener {
        try await ServerBootstrap(group: group)
            // Benchmarks open thousands of connections at once; a small backlog drops them.
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // `/trickle` sends single bytes that must not wait for Nagle.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Runs one child task per connection until the listener closes or the task is cancelled.
    private static func accept(on listener: SimulatorListener, handler: ConnectionHandler) async {
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await handler.serve(connection) }
                    }
                }
            }
        } catch {
            // Cancellation at shutdown; connections have closed themselves by now.
        }
    }
}

/// The listening channel: it yields one async channel per accepted connection.
typealias SimulatorListener = NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

enum SimulatorServerError: Error {
    /// The bound socket reported no local address, so the port is unknown.
    case noLocalAddress
}
