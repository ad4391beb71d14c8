import Foundation

/// Runs the built `canary` executable end to end, as swift-argument-parser's
/// `AssertExecuteCommand` does for its examples.
public enum CanaryBinary {
    /// What one run of the binary produced.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Wall time from launch to exit, in seconds.
        public var seconds: Double
    }

    /// The `canary` beside the test bundle (both are built into the same folder).
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["CANARY_BINARY"] { return override }
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleFolder, bundleFolder.deletingLastPathComponent()] {
            let binary = candidate.appendingPathComponent("canary").path
            if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/canary").path
    }

    /// Runs `canary ARGUMENTS` and waits for it, killing it after `timeout` seconds.
    ///
    /// Waiting suspends instead of blocking, so servers running in the test process
    /// (the simulator) keep answering on the cooperative pool meanwhile.
    /// - Parameters:
    ///   - arguments: The command line after `canary`.
    ///   - environment: Added to (and overriding) this process's environment.
    ///   - directory: The working directory.
    ///   - timeout: Seconds before the child is killed with SIGKILL.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, timeout: Double = 60
    ) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        env["NO_COLOR"] = "1"
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        let start = Date()
        try process.run()
        let outData = ReadAll(stdout.fileHandleForReading)
        let errData = ReadAll(stderr.fileHandleForReading)
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
}

/// Drains a pipe on its own thread, so a child that writes a lot never blocks on a full pipe.
private final class ReadAll: @unchecked Sendable {
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
