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
        let out = try Spawn.pipe()
        let err = try Spawn.pipe()
        let input = try stdin.map { _ in try Spawn.pipe() }
        let start = Date()
        let pid: pid_t
        do {
            pid = try Spawn.start(
                resolve(executable), arguments, environment: environment, stdin: input?.read, stdout: out.write,
                stderr: err.write)
        } catch {
            for fd in [out.read, out.write, err.read, err.write, input?.read, input?.write].compactMap({ $0 }) {
                close(fd)
            }
            throw error
        }
        close(out.write)
        close(err.write)
        let outData = PipeReader(out.read)
        let errData = PipeReader(err.read)
        if let stdin, let input {
            close(input.read)
            Thread {
                var bytes = Array(stdin.utf8)[...]
                while !bytes.isEmpty {
                    let written = bytes.withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) }
                    if written < 0, errno == EINTR { continue }
                    if written <= 0 { break }
                    bytes = bytes.dropFirst(written)
                }
                close(input.write)
            }.start()
        }
        let exited = AsyncStream<Int32>.makeStream()
        Spawn.reap(pid) { exited.continuation.yield($0) }
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
        return Output(status: status, stdout: await outData.text(), stderr: await errData.text(), seconds: seconds)
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
    public final class Background: Sendable {
        public let pid: Int32
        /// Its standard output and error, one pipe: read by ``drainOutput()``.
        private let output: Int32
        private let input: Int32
        /// What the reaping and draining threads share with the tests.
        private final class Shared: Sendable {
            let status = Mutex<Int32?>(nil)
            let captured = Mutex(Data())
            let draining = Mutex(false)
        }

        private let shared = Shared()

        public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            let out = try Spawn.pipe()
            let input = try Spawn.pipe()
            do {
                pid = try Spawn.start(
                    ChildProcess.resolve(executable), arguments, environment: environment, stdin: input.read,
                    stdout: out.write, stderr: out.write)
            } catch {
                for fd in [out.read, out.write, input.read, input.write] { close(fd) }
                throw error
            }
            close(out.write)
            close(input.read)
            output = out.read
            self.input = input.write
            Spawn.reap(pid) { [shared] code in shared.status.withLock { $0 = code } }
        }

        /// Keeps reading the child's output so it never blocks on a full pipe; the first
        /// 64 KiB are kept for ``waitForOutput(matching:timeout:)``.
        public func drainOutput() {
            guard
                !shared.draining.withLock({
                    let was = $0; $0 = true; return was
                })
            else { return }
            let fd = output
            Thread { [shared] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { break }
                    shared.captured.withLock { if $0.count < 64 << 10 { $0.append(contentsOf: buffer[0..<count]) } }
                }
                close(fd)
            }.start()
        }

        /// Reads one line of the child's output (for a server that prints its address);
        /// `nil` at its end. Not to be mixed with ``drainOutput()``.
        public func readLine() -> String? {
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while true {
                let count = read(output, &byte, 1)
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
                if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            }
        }

        /// The first match of `pattern` in the child's output (after ``drainOutput()``),
        /// waiting up to `timeout` for it; `nil` if it never came.
        public func waitForOutput(matching pattern: Regex<(Substring, Substring)>, timeout: Duration) async -> String? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let text = shared.captured.withLock { String(decoding: $0, as: UTF8.self) }
                if let match = text.firstMatch(of: pattern) { return String(match.1) }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }

        /// What ``drainOutput()`` kept of the child's output so far.
        public var capturedText: String { shared.captured.withLock { String(decoding: $0, as: UTF8.self) } }

        public var isRunning: Bool { shared.status.withLock { $0 == nil } }

        /// Sends `signal` to the child.
        /// Sends `signal`. SIGTERM, SIGINT and SIGHUP wait (up to 10 s, without blocking a
        /// thread) until the child has its handler for them installed: sent earlier, the
        /// default action would kill it, which is not what a test of its handling means.
        public func send(_ signal: Int32) async {
            if [SIGTERM, SIGINT, SIGHUP].contains(signal) {
                let deadline = ContinuousClock.now + .seconds(10)
                while isRunning, !catches(signal), ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            if isRunning { kill(pid, signal) }
        }

        /// Whether the child has a handler for `signal` (its `SigCgt` mask in /proc).
        private func catches(_ signal: Int32) -> Bool {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
                let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << UInt64(signal - 1)) != 0
        }

        /// Waits (polling, without blocking a thread) up to `timeout` for the child to
        /// exit; returns its exit status, or `nil` if it is still running.
        public func waitForExit(timeout: Duration) async -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            return shared.status.withLock { $0 }
        }

        /// Kills the child (SIGKILL: a child of a test thread may have SIGTERM blocked) and
        /// waits for it.
        public func stop() {
            guard isRunning else { return }
            kill(pid, SIGKILL)
            while isRunning { usleep(1000) }
        }

        deinit {
            if isRunning { kill(pid, SIGKILL) }
            close(input)
            if !shared.draining.withLock({ $0 }) { close(output) }
        }
    }
}

/// Drains a pipe on its own thread, so a child that writes a lot never blocks on a full pipe.
/// Its text is awaited, never waited for on a thread of Swift's pool: a grandchild that
/// keeps the pipe open (Chromium's helpers) would hold that thread, and with two cores the
/// pool has two, which the in-process simulator needs too.
final class PipeReader: Sendable {
    private struct Pending {
        var data: Data?
        var waiter: CheckedContinuation<Data, Never>?
    }

    private let pending = Mutex(Pending())

    init(_ fd: Int32) {
        Spawn.readAll(fd) { [self] read in
            let waiter = pending.withLock { pending -> CheckedContinuation<Data, Never>? in
                pending.data = read
                defer { pending.waiter = nil }
                return pending.waiter
            }
            waiter?.resume(returning: read)
        }
    }

    func text() async -> String {
        let data = await withCheckedContinuation { continuation in
            let ready = pending.withLock { pending -> Data? in
                if let data = pending.data { return data }
                pending.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return String(decoding: data, as: UTF8.self)
    }
}
