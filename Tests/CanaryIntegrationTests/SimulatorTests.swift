import CanarySimulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The simulator over real loopback sockets, with a deliberately dumb client so
/// that malformed and reset responses reach the assertions unfiltered.
@Suite("SimulatorServer")
struct SimulatorTests {
    @Test func okPageCarriesTheMarker() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/ok")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.header("Connection") == "close")
            #expect(response.bodyText.contains("My Sign-Ins"))
        }
    }

    @Test func statusRouteAnswersLikeNginx() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/status/504")
            #expect(response.status == 504)
            #expect(response.bodyText.contains("<h1>504 Gateway Time-out</h1>"))
            let throttled = try await fetch(server, "/status/429")
            #expect(throttled.header("Retry-After") == "30")
        }
    }

    @Test func flakyFailsEveryThirdRequestPerKey() async throws {
        try await withServer { server in
            var codes: [Int?] = []
            for _ in 0..<3 {
                codes.append(try await fetch(server, "/flaky?every=3&key=test").status)
            }
            #expect(codes == [200, 200, 504])
            let otherKey = try await fetch(server, "/flaky?every=3&key=other")
            #expect(otherKey.status == 200)
        }
    }

    @Test func malformedStatusLineIsSentVerbatim() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/malformed")
            #expect(response.text.hasPrefix("HTPT/1.1 200 OK\r\n"))
        }
    }

    @Test func gzipBombIsSmallOnTheWire() async throws {
        try await withServer { server in
            let inflated = 10_000_000
            let response = try await fetch(server, "/gzip-bomb?bytes=\(inflated)")
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(response.body.count < inflated / 100)
            #expect(response.body.prefix(3).elementsEqual([0x1F, 0x8B, 0x08]))
            // The gzip trailer ends with ISIZE, the inflated size, little-endian.
            let isize = response.body.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect(isize == inflated)
        }
    }

    @Test func hugeBodyArrivesComplete() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/huge?bytes=300000")
            #expect(response.header("Content-Length") == "300000")
            #expect(response.body.count == 300_000)
        }
    }

    @Test func echoReflectsRequestHeaders() async throws {
        try await withServer { server in
            let response = try await fetch(server, "/echo", headers: ["Authorization: Bearer s3cret"])
            #expect(response.bodyText.hasPrefix("GET /echo HTTP/1.1\r\n"))
            #expect(response.bodyText.contains("Authorization: Bearer s3cret\r\n"))
        }
    }

    @Test func redirectsCarryLocation() async throws {
        try await withServer { server in
            let login = try await fetch(server, "/redirect-login")
            #expect(login.header("Location") == "/login/")
            let loop = try await fetch(server, "/redirect-loop?n=4")
            #expect(loop.header("Location") == "/redirect-loop?n=5")
            let external = try await fetch(server, "/redirect?to=file:///etc/passwd")
            #expect(external.header("Location") == "file:///etc/passwd")
        }
    }

    @Test func oversizedHeadGets431() async throws {
        try await withServer { server in
            let padding = "X-Padding: " + String(repeating: "a", count: 70 * 1024)
            let response = try await fetch(server, "/ok", headers: [padding])
            #expect(response.status == 431)
        }
    }

    @Test func resetRouteResetsTheConnection() async throws {
        try await withServer { server in
            await #expect(throws: ClientError.reset) {
                try await fetch(server, "/reset")
            }
        }
    }

    @Test func shutdownClosesHangingConnections() async throws {
        let server = try await SimulatorServer.start()
        // Connected and sent before shutdown, so the connection exists however busy the machine is.
        let descriptor = try connectToLoopback(port: server.port)
        defer { close(descriptor) }
        let request = Array("GET /hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        #expect(request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) } == request.count)
        try await Task.sleep(for: .milliseconds(100))
        try await server.shutdown()
        // Closed (EOF) or reset are both fine; the client's 5 s receive timeout is not.
        let outcome: Result<Int, ClientError> = await withCheckedContinuation { continuation in
            Thread {
                var byte: UInt8 = 0
                let count = recv(descriptor, &byte, 1, 0)
                continuation.resume(returning: count >= 0 ? .success(count) : .failure(clientError(errno)))
            }.start()
        }
        #expect(outcome == .success(0) || outcome == .failure(.reset))
    }

    @Test func routesAreListed() {
        let paths = SimulatorServer.routes.map(\.path)
        #expect(paths.contains("/ok"))
        #expect(paths.contains("/hang"))
        #expect(SimulatorServer.routes.allSatisfy { !$0.summary.isEmpty })
    }
}

// MARK: - A blocking loopback client

private enum ClientError: Error, Equatable {
    case socket(Int32)
    case reset
    case timedOut
}

/// Everything the server sent before it closed the connection.
private struct RawResponse: Sendable {
    let bytes: [UInt8]

    var text: String { String(decoding: bytes, as: UTF8.self) }

    private var headEnd: Int? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= separator.count else { return nil }
        return (0...(bytes.count - separator.count)).first {
            bytes[$0..<($0 + separator.count)].elementsEqual(separator)
        }
    }

    var status: Int? {
        let parts = text.prefix { $0 != "\r\n" }.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }

    var body: [UInt8] { headEnd.map { Array(bytes[($0 + 4)...]) } ?? [] }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        let head = String(decoding: bytes[..<(headEnd ?? 0)], as: UTF8.self)
        let prefix = name.lowercased() + ": "
        return head.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
    }
}

private func withServer(_ body: (SimulatorServer) async throws -> Void) async throws {
    let server = try await SimulatorServer.start()
    do {
        try await body(server)
    } catch {
        try await server.shutdown()
        throw error
    }
    try await server.shutdown()
}

/// Sends a GET and reads until the server closes, on a thread of its own: the
/// server's connection tasks share Swift's small cooperative pool, which a
/// blocking `recv` must not occupy.
private func fetch(_ server: SimulatorServer, _ target: String, headers: [String] = []) async throws -> RawResponse {
    let lines = ["GET \(target) HTTP/1.1", "Host: 127.0.0.1:\(server.port)"] + headers
    let request = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    let port = server.port
    return try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { RawResponse(bytes: try exchange(port: port, request: request)) })
        }.start()
    }
}

private func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
    let descriptor = try connectToLoopback(port: port)
    defer { close(descriptor) }
    var sent = 0
    while sent < request.count {
        let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ClientError.socket(errno) }
        sent += count
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 { return received }
        guard count > 0 else { throw clientError(errno) }
        received += buffer[..<count]
    }
}

private func clientError(_ code: Int32) -> ClientError {
    switch code {
    case ECONNRESET: .reset
    case EAGAIN, EWOULDBLOCK: .timedOut
    default: .socket(code)
    }
}

private func connectToLoopback(port: Int) throws -> Int32 {
    #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw ClientError.socket(errno) }
    // A server bug should fail the test, not hang it.
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard result == 0 else {
        close(descriptor)
        throw ClientError.socket(errno)
    }
    return descriptor
}
