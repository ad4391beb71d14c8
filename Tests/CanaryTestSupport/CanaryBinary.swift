import Foundation

/// Runs the built `canary` executable end to end, as swift-argument-parser's
/// `AssertExecuteCommand` does for its examples.
public enum CanaryBinary {
    public typealias Output = ChildProcess.Output

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

    /// Runs `canary ARGUMENTS` (with `NO_COLOR` set) and waits for it without blocking.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Double = 60
    ) async throws -> Output {
        try await ChildProcess.run(
            path, arguments, environment: environment.merging(["NO_COLOR": "1"]) { old, _ in old }, timeout: timeout)
    }

    /// Starts `canary ARGUMENTS` (with `NO_COLOR` set) in the background, its output
    /// drained, for tests that signal it or change its world while it runs.
    public static func start(_ arguments: [String]) throws -> ChildProcess.Background {
        let process = try ChildProcess.Background(path, arguments, environment: ["NO_COLOR": "1"])
        process.drainOutput()
        return process
    }
}
