import Foundation

/// Test certificates made with the `openssl` command at test time, and a real TLS server
/// (`openssl s_server -www`) on a loopback port chosen by the kernel and read back.
public enum TestCertificates {
    /// A folder holding `ca.pem` and the server certificates named by ``Kind``.
    public struct Set: Sendable {
        public var folder: String
        public var caFile: String { "\(folder)/ca.pem" }

        public func certificate(_ kind: Kind) -> (cert: String, key: String) {
            ("\(folder)/\(kind.rawValue).pem", "\(folder)/server.key")
        }
    }

    public enum Kind: String, CaseIterable, Sendable {
        /// Valid for a year, for 127.0.0.1, signed by the test CA.
        case valid
        /// Expired yesterday.
        case expired
        /// Valid, but for another host name.
        case wrongHost = "wrong-host"
        /// Valid for 10 more days (inside the default 21-day warning, outside the 7-day critical).
        case expiringSoon = "expiring-soon"
    }

    /// Makes a CA and one server certificate of each kind, once per test process.
    ///
    /// Suspends while `openssl` works (about a second of RSA key generation) instead of
    /// blocking a thread of the small cooperative pool that in-process servers need.
    public static func make() async throws -> Set {
        try await Cache.shared.certificates()
    }

    private actor Cache {
        static let shared = Cache()
        private var made: Task<Set, any Error>?

        func certificates() async throws -> Set {
            if let made { return try await made.value }
            let task = Task { try await TestCertificates.generate() }
            made = task
            return try await task.value
        }
    }

    private static func generate() async throws -> Set {
        let folder = try Fixtures.temporaryFolder("canary-certs")
        let script = """
            set -e
            cd '\(folder)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj /CN=canary-test-ca
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > good.ext
            printf 'subjectAltName=DNS:wrong.example\\n' > wrong.ext
            sign() { openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1" -days "$2" -extfile "$3"; }
            sign valid.pem 365 good.ext
            sign expired.pem -1 good.ext
            sign wrong-host.pem 365 wrong.ext
            sign expiring-soon.pem 10 good.ext
            """
        let output = try await ChildProcess.run("/bin/sh", ["-c", script])
        guard output.status == 0 else {
            throw TestSupportError("openssl failed to make the test certificates (exit \(output.status))")
        }
        return Set(folder: folder)
    }
}

/// `openssl s_server -www` serving one certificate on 127.0.0.1.
public final class TLSServer: Sendable {
    public let port: Int
    private let process: ChildProcess.Background

    /// Starts the server and waits (suspended, not blocking) until it reports its port.
    /// - Parameters:
    ///   - cert: The server certificate.
    ///   - key: Its private key.
    ///   - responses: A folder of whole HTTP responses to serve by path (`openssl s_server
    ///     -HTTP`: `/x` is the file `x`, sent as it is), instead of the `-www` status page.
    /// - Returns: The running server.
    /// - Throws: When `openssl` does not start or report its port.
    public static func start(cert: String, key: String, responses: String? = nil) async throws -> TLSServer {
        let process =
            if let responses {
                try ChildProcess.Background(
                    "/bin/sh",
                    [
                        "-c", "cd \"$0\" && exec openssl s_server -accept 127.0.0.1:0 -cert \"$1\" -key \"$2\" -HTTP",
                        responses, cert, key,
                    ])
            } else {
                try ChildProcess.Background(
                    "openssl", ["s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key, "-www"])
            }
        // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens; read it on a thread of its own.
        let buffer = await withCheckedContinuation { continuation in
            Thread {
                var buffer = ""
                while let line = process.readLine() {
                    buffer += line + "\n"
                    if line.hasPrefix("ACCEPT") { break }
                }
                continuation.resume(returning: buffer)
            }.start()
        }
        return try TLSServer(process: process, announcement: buffer)
    }

    private init(process: ChildProcess.Background, announcement buffer: String) throws {
        self.process = process
        guard let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
            let port = line.split(separator: ":").last.flatMap({ Int($0) })
        else {
            process.stop()
            throw TestSupportError("openssl s_server did not report its port: \(buffer)")
        }
        self.port = port
        process.drainOutput()
    }

    public func stop() {
        process.stop()
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
