import Foundation
import Synchronization

/// Runs other programs from tests: to completion (``run(_:_:environment:stdin:timeout:)``)
/// or in the background as servers (``Background``).
public enum ChildProcess {
    /// What one run produced.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Wall time from launch to exit, in seconds.
        public var seconds: Double
    }

    /// Runs `executable ARGUMENTS` to completion, killing it after `timeout` seconds.
    ///
    /// Waiting suspends instead of blocking, so servers running in the test process
    /// (the simulator) keep answering on the cooperative pool meanwhile.
    /// - Parameters:
    ///   - executable: A path, or a command name looked up on `PATH`.
    ///   - arguments: The command line after the executable.
    ///   - environment: Added to (and overriding) this process's environment.
    ///   - stdin: Text for the child's standard input.
    ///   - timeout: Seconds before the child is killed with SIGKILL.
    /// - Returns: Its exit status (the signal's number if one ended it), stdout and stderr.
    /// - Throws: When the child cannot be started.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        timeout: Double = 60
    ) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: resolve(executable))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        let start = Date()
        try process.run()
        let outData = PipeReader(stdout.fileHandleForReading)
        let errData = PipeReader(stderr.fileHandleForReading)
        if let stdin {
            let handle = input.fileHandleForWriting
            Thread {
                handle.write(Data(stdin.utf8))
                try? handle.close()
            }.start()
        }
        let pid = process.processIdentifier
        let killer = Task {
            try await Task.sleep(for: .seconds(timeout))
            kill(pid, SIGKILL)
        }
        var status: Int32 = -1
        for await code in exited.stream {
            status = code
            break
        }
        killer.cancel()
        let seconds = Date().timeIntervalSince(start)
        return Output(status: status, stdout: outData.wait(), stderr: errData.wait(), seconds: seconds)
    }

    /// The full path of a command name, searched on `PATH`.
    public static func resolve(_ executable: String) -> String {
        guard !executable.contains("/") else { return executable }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(executable)") {
            return "\(folder)/\(executable)"
        }
        return "/usr/bin/\(executable)"
    }

    /// A free TCP port on 127.0.0.1, for programs that cannot listen on port 0 and tell
    /// which port they got.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestSupportError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A long-running child, e.g. a server under test; killed by ``stop()`` or at deinit.
    public final class Background: @unchecked Sendable {
        // @unchecked: `process` is set once in init; Process is thread-safe for these calls.
        private let process: Process
        /// Its standard output, drained on a thread so it never blocks.
        public let output: Pipe

        public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ChildProcess.resolve(executable))
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = Pipe()
            try process.run()
            self.process = process
        }

        private let captured = Mutex(Data())

        /// Keeps reading the child's output so it never blocks on a full pipe; the first
        /// 64 KiB are kept for ``waitForOutput(matching:timeout:)``.
        public func drainOutput() {
            let handle = output.fileHandleForReading
            Thread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    captured.withLock { if $0.count < 64 << 10 { $0.append(data) } }
                }
            }.start()
        }

        /// The first match of `pattern` in the child's output (after ``drainOutput()``),
        /// waiting up to `timeout` for it; `nil` if it never came.
        public func waitForOutput(matching pattern: Regex<(Substring, Substring)>, timeout: Duration) async -> String? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let text = captured.withLock { String(decoding: $0, as: UTF8.self) }
                if let match = text.firstMatch(of: pattern) { return String(match.1) }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }

        /// What ``drainOutput()`` kept of the child's output so far.
        public var capturedText: String { captured.withLock { String(decoding: $0, as: UTF8.self) } }

        public var isRunning: Bool { process.isRunning }

        public var pid: Int32 { process.processIdentifier }

        /// Sends `signal` to the child.
        public func send(_ signal: Int32) {
            kill(process.processIdentifier, signal)
        }

        /// Waits (polling, without blocking a thread) up to `timeout` for the child to
        /// exit; returns its exit status, or `nil` if it is still running.
        public func waitForExit(timeout: Duration) async -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            return process.isRunning ? nil : process.terminationStatus
        }

        /// Kills the child (SIGKILL: a child of a test thread may have SIGTERM blocked).
        public func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

/// Drains a pipe on its own thread, so a child that writes a lot never blocks on a full pipe.
final class PipeReader: @unchecked Sendable {
    // @unchecked: `data` is written by the reading thread before `done` is signalled and
    // read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
