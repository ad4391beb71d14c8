import CanarySimulator
import Foundation
import Testing

/// Runs `body` with a simulator on `host` (port 0, read back), and shuts it down after,
/// whether `body` returned or threw: no server outlives its test.
/// - Parameters:
///   - host: The loopback address to listen on.
///   - body: The test's work, given the running server.
/// - Returns: What `body` returned.
/// - Throws: What `body` threw, or the server's failure to start.
public func withSimulator<Result>(
    host: String = "127.0.0.1", _ body: (SimulatorServer) async throws -> Result
) async throws -> Result {
    let server = try await SimulatorServer.start(host: host)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// Runs `canary ARGUMENTS` and checks its exit code and, where given, that its stdout
/// and stderr hold the texts expected, in the spirit of swift-argument-parser's
/// `AssertExecuteCommand`.
/// - Parameters:
///   - arguments: The command line after `canary`.
///   - exitCode: The exit code expected.
///   - stdout: Texts stdout must contain.
///   - stderr: Texts stderr must contain.
///   - environment: Added to the process's environment.
///   - sourceLocation: Where a failed expectation is reported.
/// - Returns: The whole output, for further checks.
/// - Throws: When canary cannot be started.
@discardableResult
public func expectCanary(
    _ arguments: [String], exitCode: Int32, stdout: [String] = [], stderr: [String] = [],
    environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) async throws -> CanaryBinary.Output {
    let output = try await CanaryBinary.run(arguments, environment: environment)
    #expect(output.status == exitCode, "canary \(arguments): \(output.stderr)", sourceLocation: sourceLocation)
    for text in stdout {
        #expect(output.stdout.contains(text), "stdout lacks \(text): \(output.stdout)", sourceLocation: sourceLocation)
    }
    for text in stderr {
        #expect(output.stderr.contains(text), "stderr lacks \(text): \(output.stderr)", sourceLocation: sourceLocation)
    }
    return output
}
