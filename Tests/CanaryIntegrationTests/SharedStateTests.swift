import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// A state file shared by runs over different probe folders, a clock set back, and the
/// `canary state` command that reads and edits it.
@Suite("Shared state and time", .serialized)
struct SharedStateTests {
    func write(_ name: String, route: String, server: SimulatorServer, in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: "\(folder)/\(name)", withIntermediateDirectories: true)
        return try Fixtures.write(
            "defaults: {attempts: 1, alert: {after: 2}}\nprobes:\n"
                + Fixtures.probeEntries([name], url: server.baseURL + route), to: "p.yaml", in: "\(folder)/\(name)")
    }

    @Test("two runs over different folders sharing one --state keep each other's records, so both can alert")
    func twoFoldersOneState() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let down = try write("down", route: "/status/504", server: server, in: folder)
            let up = try write("up", route: "/ok", server: server, in: folder)
            let state = ["--state", "\(folder)/state.json", "--all"]
            #expect(try await CanaryBinary.run(["run", down] + state).status == 0)  // first failure: not alerting yet
            #expect(try await CanaryBinary.run(["run", up] + state).status == 0)
            let second = try await CanaryBinary.run(["run", down] + state)
            #expect(second.status == 2, "\(second.stdout)")  // the second failure in a row: alerting
            let show = try await CanaryBinary.run(["state", "show", "\(folder)/state.json"])
            #expect(show.status == 0)
            #expect(show.stdout.contains("down   yes"), "\(show.stdout)")
            #expect(show.stdout.contains("up     no"))
            #expect(show.stdout.hasSuffix("2 probes\n"))
            let forget = try await CanaryBinary.run(["state", "forget", "\(folder)/state.json", "down"])
            #expect(forget.status == 0)
            let json = try await CanaryBinary.run(["state", "show", "\(folder)/state.json", "--format", "json"])
            #expect(json.stdout.split(separator: "\n").count == 1)
            #expect(json.stdout.contains(#""probe":"up""#))
            let typo = try await CanaryBinary.run(["state", "forget", "\(folder)/state.json", "dwon"])
            #expect(typo.status == 3)
            #expect(typo.stderr.contains("no record of dwon"))
        }
    }

    @Test("state show --probe prints one record in full; forget under the lock races 8 runs and loses none of them")
    func showAndForgetUnderLoad() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let down = try write("down", route: "/status/504", server: server, in: folder)
            let up = try write("up", route: "/ok", server: server, in: folder)
            let path = "\(folder)/state.json"
            for _ in 0..<2 { _ = try await CanaryBinary.run(["run", down, "--state", path, "--all"]) }
            let detail = try await CanaryBinary.run(["state", "show", path, "--probe", "down"])
            #expect(detail.status == 0, "\(detail.stderr)")
            let lines = detail.stdout.split(separator: "\n").map { String($0) }
            #expect(lines.first == "probe             down", "\(detail.stdout)")
            #expect(lines.contains("alerting          yes"), "\(detail.stdout)")
            #expect(lines.contains("window            2/2 CC"), "\(detail.stdout)")
            #expect(lines.contains("last class        gateway_timeout (CRITICAL)"), "\(detail.stdout)")
            #expect(lines.contains { $0.hasPrefix("alerting since    20") })
            #expect(lines.contains("last success      none recorded"))
            #expect(lines.count { $0.hasPrefix("  run ") } == 2)
            let missing = try await CanaryBinary.run(["state", "show", path, "--probe", "nope"])
            #expect(missing.status == 3)
            #expect(missing.stderr == "canary: no record of nope in \(path)\n", "\(missing.stderr)")
            // show reads without the lock: no write access to the folder is needed.
            try? FileManager.default.removeItem(atPath: path + ".lock")
            #expect(try await CanaryBinary.run(["state", "show", path]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
            // The table: window marks, and the last success of the healthy probe.
            _ = try await CanaryBinary.run(["run", up, "--state", path, "--all"])
            let table = try await CanaryBinary.run(["state", "show", path])
            #expect(table.stdout.hasPrefix("PROBE  ALERTING  SINCE"), "\(table.stdout)")
            #expect(table.stdout.contains(" 2/2 CC "), "\(table.stdout)")
            #expect(table.stdout.contains(" 0/1 . "), "\(table.stdout)")

            // Eight runs of `up` and a forget of `down`, all at once, on one file: the lock
            // keeps every run's record and the forget.
            let outcomes = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await CanaryBinary.run(["run", up, "--state", path, "--all"]).status }
                }
                group.addTask { try await CanaryBinary.run(["state", "forget", path, "down"]).status }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0 == 0 }, "\(outcomes)")
            let json = try await CanaryBinary.run(["state", "show", path, "--format", "json"])
            let objects = json.stdout.split(separator: "\n")
            #expect(objects.count == 1, "\(json.stdout)")
            let record = try #require(
                try JSONSerialization.jsonObject(with: Data((objects.first ?? "").utf8)) as? [String: Any])
            #expect(record["probe"] as? String == "up")
            #expect(record["consecutive_passes"] as? Int == 9, "\(json.stdout)")
            let window = try #require(record["window"] as? [String: Any])
            #expect((window["runs"] as? [Any])?.count == 9)
            #expect(window["failing"] as? Int == 0)
        }
    }

    @Test("a last run recorded in the future (the clock set back) is due at once, with one warning")
    func clockSteppedBack() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try write("p", route: "/ok", server: server, in: folder)
            let path = "\(folder)/state.json"
            #expect(try await CanaryBinary.run(["run", file, "--state", path]).status == 0)
            // Move the recorded last run a day ahead, as if the clock had since been set back.
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            var probes = try #require(object["probes"] as? [String: Any])
            var record = try #require(probes["p"] as? [String: Any])
            record["lastRun"] = Date().timeIntervalSince1970 + 86_400
            probes["p"] = record
            object["probes"] = probes
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            let output = try await CanaryBinary.run(["run", file, "--state", path, "--format", "json"])
            #expect(output.status == 0)
            #expect(output.stdout.contains(#""class":"ok""#))
            #expect(!output.stdout.contains("not due"))
            #expect(output.stderr.contains("a last run in the future for 1 probe (p first)"), "\(output.stderr)")
            // Recorded anew with the present time: no warning the next time.
            let again = try await CanaryBinary.run(["run", file, "--state", path, "--all"])
            #expect(!again.stderr.contains("future"))
        }
    }

    @Test("state show and forget never move a file that is not a state; --state refuses a folder or FIFO")
    func notAStateFile() async throws {
        let folder = try Fixtures.temporaryFolder()
        let victim = try Fixtures.write("probes: []\n", to: "victim.yaml", in: folder)
        for arguments in [["state", "show", victim], ["state", "forget", victim, "p"]] {
            let output = try await CanaryBinary.run(arguments)
            #expect(output.status == 3)
            #expect(output.stderr.contains("is not a canary state file"), "\(output.stderr)")
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "probes: []\n")
            // Nor leave a lock file beside it (beside /etc/passwd, a lock held for shadow-utils).
            #expect(!FileManager.default.fileExists(atPath: victim + ".lock"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains("corrupt") })
        #expect(mkfifo("\(folder)/fifo", 0o600) == 0)
        let server = try await SimulatorServer.start()
        defer { Task { try? await server.shutdown() } }
        let file = try write("p", route: "/ok", server: server, in: folder)
        for state in ["\(folder)/fifo", folder] {
            let output = try await CanaryBinary.run(["run", file, "--state", state])
            #expect(output.status == 3)
            #expect(output.stderr.contains("is not a regular file"))
            #expect(!FileManager.default.fileExists(atPath: state + ".lock"))
        }
    }
}
