import CanaryCore
import CanaryTestSupport
import Foundation
import Testing

/// Probe files built to hurt: huge, deeply nested, exploding aliases, and random
/// mutations of every broken and valid file. Each must be rejected (or loaded) with a
/// located message, never a crash or a hang.
@Suite("Hostile probe files")
struct HostileInputTests {
    func rejected(_ text: String, name: String = "hostile.yaml") throws -> [ProbeFileError] {
        let folder = try Fixtures.temporaryFolder()
        let path = try Fixtures.write(text, to: name, in: folder)
        let error = try #require(throws: ProbeLoadError.self) { try ProbeLoader(environment: [:]).load(paths: [path]) }
        #expect(error.errors.allSatisfy { $0.file == path && $0.line >= 1 && $0.column >= 1 })
        return error.errors
    }

    @Test("a 10 MB file is refused at 1:1 without being parsed")
    func huge() throws {
        let text = "probes:\n" + String(repeating: "  - name: a\n    url: http://127.0.0.1/\n", count: 300_000)
        #expect(text.utf8.count > 10_000_000)
        let errors = try rejected(text)
        #expect(errors.first?.message.contains("over the 4194304-byte limit") == true)
    }

    @Test("100,000 levels of flow nesting and 2,000 of block nesting stop at libyaml's nesting limit")
    func deepNesting() throws {
        let flow =
            "probes:\n  - name: a\n    url: http://127.0.0.1/\n    labels: "
            + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        #expect(try rejected(flow).first?.message.contains("Maximum nesting level") == true)
        var block = ["probes:", "  - name: a", "    url: http://127.0.0.1/", "    labels:"]
        for level in 0..<2000 { block.append(String(repeating: " ", count: 6 + level) + "k\(level):") }
        #expect(try rejected(block.joined(separator: "\n")).first?.message.contains("Maximum nesting level") == true)
    }

    @Test("a billion laughs of aliases is rejected quickly, each alias reported once")
    func billionLaughs() throws {
        var lines = [#"l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1...9 {
            lines.append(
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]")
        }
        lines += ["probes:", "  - name: a", "    url: http://127.0.0.1/", "    error_patterns: *l9", "    labels: *l9"]
        let start = ContinuousClock.now
        let errors = try rejected(lines.joined(separator: "\n") + "\n")
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(errors.count < 50)
        #expect(errors.contains { $0.message.contains("unknown key 'l0'") })
    }

    /// A seeded mutator: random byte flips, YAML punctuation, cuts and duplications of
    /// the catalogue's files. `CANARY_FUZZ_SECONDS` runs it for that long (make stress).
    @Test("random mutations of every catalogue file never crash or hang the loader")
    func mutations() throws {
        let folder = Fixtures.path("broken")
        let sources =
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted().map {
                try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))
            } + [try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("probes/example.yaml"))]
        let seconds = Double(ProcessInfo.processInfo.environment["CANARY_FUZZ_SECONDS"] ?? "") ?? 0
        let deadline = ContinuousClock.now + .seconds(seconds)
        var generator = SplitMix(seed: 1_329_260)
        var cases = 0
        var loaded = 0
        let punctuation = Array("[]{}:,-#&*!|>'\"%@`?\n\t ${}".utf8)
        repeat {
            for source in sources {
                var bytes = [UInt8](source)
                for _ in 0..<(1 + Int(generator.next() % 8)) where !bytes.isEmpty {
                    let index = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 5 {
                    case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.insert(punctuation[Int(generator.next() % UInt64(punctuation.count))], at: index)
                    case 2: bytes.removeSubrange(index..<min(bytes.count, index + Int(generator.next() % 16)))
                    case 3: bytes.insert(contentsOf: bytes[index..<min(bytes.count, index + 40)], at: index)
                    default: bytes = Array(bytes[..<index])
                    }
                }
                let text = String(decoding: bytes, as: UTF8.self)
                do {
                    _ = try ProbeLoader(environment: ["TOKEN": "t"]).load(text: text, file: "fuzz.yaml")
                    loaded += 1
                } catch {
                    #expect(error.errors.allSatisfy { $0.line >= 0 && $0.column >= 0 && !$0.message.isEmpty })
                }
                cases += 1
            }
        } while ContinuousClock.now < deadline || cases < 2_000
        print("loader fuzz: \(cases) mutated files, \(loaded) loaded, the rest rejected; no crash")
        #expect(cases >= 2_000)
    }
}

/// SplitMix64: a small, seeded, reproducible generator.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
