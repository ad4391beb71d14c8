import CanaryCore
import CanaryTestSupport
import Foundation
import Testing

@Suite("Probe files")
struct ProbeLoaderTests {
    static let brokenFiles: [String] = {
        let folder = Fixtures.path("broken")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("the broken-file catalogue has a case per rule")
    func catalogueSize() {
        #expect(Self.brokenFiles.count >= 40)
    }

    /// Each broken file states on its first line where the error must be and what it must
    /// say: `# expect: LINE:COLUMN: text`.
    @Test("each broken file is rejected at its line and column", arguments: brokenFiles)
    func brokenFile(_ name: String) throws {
        let path = Fixtures.path("broken/\(name)")
        // Some files are broken on purpose below the first line (not UTF-8, NUL bytes).
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let header = try #require(text.split(separator: "\n").first)
        let expected = header.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(
            of: "# expect: ", with: "")
        #expect(throws: ProbeLoadError.self) { try ProbeLoader(environment: [:]).load(paths: [path]) }
        do {
            _ = try ProbeLoader(environment: [:]).load(paths: [path])
        } catch {
            let messages = error.errors.map(\.description)
            #expect(
                messages.contains { $0.hasPrefix("\(path):") && $0.contains(expected) },
                "expected '\(expected)' in \(messages)")
        }
    }

    @Test("defaults merge into each probe; mappings add up, scalars are replaced")
    func defaultsMerge() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.write(
            """
            defaults:
              timeout: 4s
              attempts: 2
              labels: {team: identity}
              expect:
                latency: {warning: 2s}
            probes:
              - name: portal
                url: https://portal.example/
                labels: {service: entra}
                expect:
                  status: [200, 302]
              - name: login
                url: https://login.example/
                attempts: 5
                interval: 5m
                max_body_bytes: 64KiB
            """, to: "p.yaml", in: folder)
        let set = try ProbeLoader(environment: [:]).load(paths: [folder])
        #expect(set.files == [path])
        #expect(set.probes.map(\.name) == ["portal", "login"])
        let portal = set.probes[0]
        #expect(portal.timeout == .seconds(4))
        #expect(portal.attempts == 2)
        #expect(portal.labels == ["team": "identity", "service": "entra"])
        #expect(portal.expect.status == StatusSet(ranges: [200...200, 302...302]))
        #expect(portal.expect.latency.warning == .seconds(2))
        let login = set.probes[1]
        #expect(login.attempts == 5)
        #expect(login.interval == .seconds(300))
        #expect(login.maxBodyBytes == 65536)
        #expect(login.expect.status == StatusSet.defaultSuccess)
    }

    @Test("a threshold given alone keeps the other one's default")
    func thresholdsKeepDefaults() throws {
        let folder = try Fixtures.temporaryFolder()
        _ = try Fixtures.write(
            """
            defaults:
              expect:
                latency: {critical: 5s}
            probes:
              - name: warn-only
                url: https://portal.example/
                expect:
                  cert_expiry: {warning: 30d}
                  latency: {warning: 2s}
              - name: crit-only
                url: https://portal.example/
                expect:
                  cert_expiry: {critical: 3d}
            """, to: "p.yaml", in: folder)
        let set = try ProbeLoader(environment: [:]).load(paths: [folder])
        let day = 86_400
        #expect(set.probes[0].expect.certExpiry == Thresholds(warning: .seconds(30 * day), critical: .seconds(7 * day)))
        #expect(set.probes[0].expect.latency == Thresholds(warning: .seconds(2), critical: .seconds(5)))
        #expect(set.probes[1].expect.certExpiry == Thresholds(warning: .seconds(21 * day), critical: .seconds(3 * day)))
        #expect(set.probes[1].expect.latency == Thresholds(warning: nil, critical: .seconds(5)))
    }

    @Test("every problem of a file is reported at once")
    func allProblemsAtOnce() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.write(
            """
            probes:
              - name: a
                url: http://127.0.0.1/
                timeout: soon
                attempts: -1
              - name: b
                url: gopher://x/
            """, to: "p.yaml", in: folder)
        let error = try #require(throws: ProbeLoadError.self) { try ProbeLoader(environment: [:]).load(paths: [path]) }
        #expect(error.errors.map(\.line) == [4, 5, 7])
    }

    @Test("secrets expand from the environment and files, and are known to the redactor")
    func secrets() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("file-secret-123\n", to: "secret.txt", in: folder)
        let path = try Fixtures.write(
            """
            probes:
              - name: a
                url: "http://127.0.0.1/?key=${file:\(folder)/secret.txt}"
                headers: {Authorization: "Bearer ${env:TOKEN}"}
            """, to: "p.yaml", in: folder)
        let set = try ProbeLoader(environment: ["TOKEN": "env-secret-456"]).load(paths: [path])
        let probe = try #require(set.probes.first)
        #expect(probe.url == "http://127.0.0.1/?key=file-secret-123")
        #expect(probe.headers.first?.value == "Bearer env-secret-456")
        #expect(set.redactor.redact("x file-secret-123 y env-secret-456") == "x [redacted] y [redacted]")
    }

    @Test("a folder with no probe files and a missing path are errors")
    func missingPaths() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(throws: ProbeLoadError.self) { try ProbeLoader().load(paths: [folder]) }
        #expect(throws: ProbeLoadError.self) { try ProbeLoader().load(paths: ["\(folder)/none.yaml"]) }
    }

    @Test("the shipped probe files load")
    func shippedProbes() throws {
        let set = try ProbeLoader(environment: [:]).load(paths: [
            Fixtures.packageRoot.appendingPathComponent("probes").path
        ])
        #expect(set.probes.count >= 3)
    }

    @Test("a folder skips hidden files, says once that a subfolder is not read, and a file named twice loads once")
    func folderContents() throws {
        let folder = try Fixtures.temporaryFolder()
        try Fixtures.write("probes:\n  - name: a\n    url: http://127.0.0.1/\n", to: "p.yaml", in: folder)
        try Fixtures.write("not: [yaml", to: ".#p.yaml", in: folder)
        try Data([0x00, 0x05, 0x16, 0x07, 0xFF]).write(to: URL(fileURLWithPath: "\(folder)/._p.yaml"))
        try FileManager.default.createDirectory(atPath: "\(folder)/more", withIntermediateDirectories: false)
        try Fixtures.write("probes:\n  - name: b\n    url: http://127.0.0.1/\n", to: "q.yaml", in: "\(folder)/more")
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder)/link.yml", withDestinationPath: "\(folder)/p.yaml")
        let loaded = try ProbeLoader(environment: [:]).load(paths: [folder + "/", "\(folder)/./p.yaml"])
        #expect(loaded.probes.map(\.name) == ["a"])
        #expect(loaded.files == ["\(folder)/link.yml"] || loaded.files == ["\(folder)/p.yaml"], "\(loaded.files)")
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("\(folder)/more/ hold probe files that are not loaded") == true)
        // Named itself, the subfolder loads.
        #expect(try ProbeLoader(environment: [:]).load(paths: ["\(folder)/more"]).probes.map(\.name) == ["b"])
    }
}
