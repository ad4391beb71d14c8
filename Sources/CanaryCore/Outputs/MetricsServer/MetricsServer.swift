import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `watch --listen`'s HTTP server (DESIGN.md section 16), on SwiftNIO: each connection is
/// served on its own task, so a scraper that reads slowly holds only its own connection,
/// never the scheduler; connections past ``maxConnections`` are closed at once, one that
/// sends no whole request within ``requestTimeout`` or takes no answer within
/// ``answerTimeout`` is closed, and a `/probe` run whose client has gone is cancelled.
public final class MetricsServer: Sendable {
    /// Connections served at once.
    public static let maxConnections = 64
    /// A request must arrive whole within this (slowloris), also between the requests of a
    /// kept-alive connection.
    public static let requestTimeout = Duration.seconds(10)
    /// An answer must be taken within this.
    public static let answerTimeout = Duration.seconds(30)

    public let host: String
    /// The port bound (the kernel's pick for port 0).
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let listener: any Channel
    private let acceptTask: Task<Void, Never>

    private init(host: String, port: Int, group: MultiThreadedEventLoopGroup, listener: Listener, routes: MetricsRoutes)
    {
        self.host = host
        self.port = port
        self.group = group
        self.listener = listener.channel
        self.acceptTask = Task { await Self.accept(on: listener, routes: routes) }
    }

    /// Binds `host:port` and serves `routes` until ``shutdown()``.
    /// - Throws: When the address cannot be bound.
    public static func start(host: String, port: Int, routes: MetricsRoutes) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // No idle timer: a `/probe` answer may take as long as the scrape
                        // timeout allows, and ``ConnectionClock`` bounds the other phases.
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
            let bound = listener.channel.localAddress?.port ?? port
            return MetricsServer(host: host, port: bound, group: group, listener: listener, routes: routes)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening and closes every connection.
    public func shutdown() async {
        listener.close(promise: nil)
        acceptTask.cancel()
        await acceptTask.value
        try? await group.shutdownGracefully()
    }

    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    private typealias Listener = NIOAsyncChannel<Connection, Never>

    private static func accept(on listener: Listener, routes: MetricsRoutes) async {
        let open = OpenConnections()
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        guard open.count.add(1, ordering: .relaxed).newValue <= maxConnections else {
                            open.count.subtract(1, ordering: .relaxed)
                            try? await connection.channel.close()
                            continue
                        }
                        group.addTask {
                            await serve(connection, routes: routes)
                            open.count.subtract(1, ordering: .relaxed)
                        }
                    }
                }
            }
        } catch {
            // Cancelled at shutdown.
        }
    }

    /// Answers each request of a connection in turn (keep-alive), until it closes. A
    /// request must arrive whole within ``requestTimeout`` of the connection or of the last
    /// answer, and an answer be taken within ``answerTimeout``: a client that trickles its
    /// headers or reads a byte a second gives its slot up.
    private static func serve(_ connection: Connection, routes: MetricsRoutes) async {
        let clock = ConnectionClock()
        let channel = connection.channel
        // A client that hangs up while its answer is worked out gets it cancelled: a
        // `/probe` run gives its slot back at once.
        let inFlight = InFlight()
        channel.closeFuture.whenComplete { _ in inFlight.cancel() }
        let watchdog = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                if clock.overdue() { channel.close(promise: nil) }
            }
        }
        defer { watchdog.cancel() }
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let request):
                    head = request
                    // Refused at once: a client that waits for `100 Continue` never sends more.
                    guard request.method == .GET || request.method == .HEAD else {
                        var headers = HTTPHeaders([
                            ("Allow", "GET, HEAD"), ("Content-Length", "0"), ("Connection", "close"),
                        ])
                        headers.add(name: "Content-Type", value: "text/plain")
                        clock.enter(.writing)
                        try await outbound.write(
                            .head(
                                HTTPResponseHead(version: request.version, status: .methodNotAllowed, headers: headers))
                        )
                        try await outbound.write(.end(nil))
                        return
                    }
                case .body: continue
                case .end:
                    guard let request = head else { continue }
                    clock.enter(.answering)
                    let work = Task {
                        await routes.answer(
                            method: request.method.rawValue, uri: request.uri,
                            scrapeTimeout: request.headers.first(name: "X-Prometheus-Scrape-Timeout-Seconds").flatMap(
                                Double.init))
                    }
                    inFlight.start(work)
                    let answer = await withTaskCancellationHandler {
                        await work.value
                    } onCancel: {
                        work.cancel()
                    }
                    inFlight.start(nil)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: answer.contentType)
                    headers.add(name: "Content-Length", value: String(answer.body.count))
                    for (name, value) in answer.headers { headers.add(name: name, value: value) }
                    if !request.isKeepAlive {
                        headers.add(name: "Connection", value: "close")
                    } else if request.version.major == 1, request.version.minor == 0 {
                        // HTTP/1.0 closes unless the answer says it stays open (RFC 9112 9.3).
                        headers.add(name: "Connection", value: "keep-alive")
                    }
                    clock.enter(.writing)
                    try await outbound.write(
                        .head(
                            HTTPResponseHead(
                                version: request.version, status: .init(statusCode: answer.status), headers: headers)))
                    if request.method != .HEAD {
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: answer.body))))
                    }
                    try await outbound.write(.end(nil))
                    clock.enter(.waiting)
                    guard request.isKeepAlive else { return }
                    head = nil
                }
            }
        }
    }
}

/// Where a connection is: waiting for a whole request, working out the answer (bounded by
/// the probe's own timeouts), or writing it to the client.
private final class ConnectionClock: Sendable {
    enum Phase {
        case waiting
        case answering
        case writing
    }

    private let state = Mutex((phase: Phase.waiting, since: ContinuousClock.now))

    func enter(_ phase: Phase) {
        state.withLock { $0 = (phase, ContinuousClock.now) }
    }

    /// Whether the client has kept the connection past its phase's allowance.
    func overdue() -> Bool {
        state.withLock { state in
            switch state.phase {
            case .waiting: ContinuousClock.now - state.since > MetricsServer.requestTimeout
            case .answering: false
            case .writing: ContinuousClock.now - state.since > MetricsServer.answerTimeout
            }
        }
    }
}

/// The connections being served.
private final class OpenConnections: Sendable {
    let count = Atomic(0)
}

/// The answer a connection is working out, cancelled when the connection closes.
private final class InFlight: Sendable {
    private let state = Mutex((work: Task<MetricsRoutes.Answer, Never>?.none, closed: false))

    func start(_ work: Task<MetricsRoutes.Answer, Never>?) {
        let closed = state.withLock { state in
            state.work = work
            return state.closed
        }
        if closed { work?.cancel() }
    }

    func cancel() {
        state.withLock { state in
            state.closed = true
            return state.work
        }?.cancel()
    }
}
