import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `kill -9` at random moments of runs writing `--textfile`, `--state` and `--junit`:
/// every file that exists is whole and parses, and the next run leaves no temporary
/// file behind. 20 runs in `make test`; `make stress` runs 200.
@Suite("Crash safety")
struct CrashSafetyTests {
    static var runs: Int { ProcessInfo.processInfo.environment["CANARY_STRESS"] == nil ? 20 : 200 }

    @Test("kill -9 mid-run never leaves a torn textfile, state file or JUnit file")
    func killNine() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                "defaults: {attempts: 1}\nprobes:\n"
                    + (0..<30).map { "  - name: p\($0)\n    url: \(server.baseURL)/slow?ms=\($0 % 5 * 10)\n" }.joined(),
                to: "p.yaml", in: folder)
            let arguments = [
                "run", probes, "--all", "--quiet", "--state", "\(folder)/state.json", "--textfile", "\(folder)/c.prom",
                "--junit", "\(folder)/junit.xml",
            ]
            var killed = 0
            for _ in 0..<Self.runs {
                let run = try ChildProcess.Background(CanaryBinary.path, arguments)
                run.drainOutput()
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
                if run.isRunning { killed += 1 }
                run.stop()
                try checkWhole(folder)
            }
            let last = try await CanaryBinary.run(arguments)
            print("crash safety: \(killed) of \(Self.runs) runs killed with SIGKILL mid-run")
            #expect(killed > 0)
            #expect(last.status == 0 || last.status == 2)
            try checkWhole(folder)
            let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(left == ["c.prom", "junit.xml", "p.yaml", "state.json", "state.json.lock"])
        }
    }

    /// Each output that exists parses whole.
    func checkWhole(_ folder: String) throws {
        if let text = try? String(contentsOfFile: "\(folder)/c.prom", encoding: .utf8) {
            let lastLine = text.split(separator: "\n").last ?? ""
            #expect(text.hasSuffix("\n") && lastLine.hasPrefix("canary_build_info{"), "torn textfile")
        }
        if let data = FileManager.default.contents(atPath: "\(folder)/state.json") {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            #expect(throws: Never.self) { try decoder.decode(RunState.self, from: data) }
        }
        if let data = FileManager.default.contents(atPath: "\(folder)/junit.xml") {
            #expect(XMLParser(data: data).parse(), "torn JUnit file")
        }
    }
}
