import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// The Nagios definitions a user copies (`contrib/nagios/canary.cfg` and the README's)
/// use check_curl's flags, and each service runs as Nagios would run it.
@Suite("Nagios definitions")
struct NagiosDefinitionTests {
    /// One `define TYPE { key value ... }` block.
    struct Definition {
        var type: String
        var fields: [String: String]
    }

    /// The `define` blocks of a Nagios object file (or of any text holding some).
    static func definitions(in text: String) -> [Definition] {
        var found: [Definition] = []
        var current: Definition?
        for rawLine in text.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("define "), line.hasSuffix("{") {
                let type = line.dropFirst("define ".count).dropLast().trimmingCharacters(in: .whitespaces)
                current = Definition(type: type, fields: [:])
            } else if line == "}", let done = current {
                found.append(done)
                current = nil
            } else if current != nil, !line.hasPrefix("#"), let space = line.firstIndex(where: \.isWhitespace) {
                current?.fields[String(line[..<space])] = line[space...].trimmingCharacters(in: .whitespaces)
            }
        }
        return found
    }

    /// Nagios's macro expansion: `$NAME$` from `macros`, `$$` as `$`.
    static func expand(_ text: String, _ macros: [String: String]) throws -> String {
        var result = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            guard let end = rest.firstIndex(of: "$") else { throw TestSupportError("unclosed macro in \(text)") }
            let name = String(rest[..<end])
            rest = rest[rest.index(after: end)...]
            if name.isEmpty {
                result += "$"
            } else {
                result += try #require(macros[name], "no macro \(name) in \(text)")
            }
        }
        return result + rest
    }

    /// Every option check_curl's own help names (`-H`, `--hostname`, ...).
    static func checkCurlOptions() async throws -> Set<String> {
        let help = try await ChildProcess.run(CheckCurlParityTests.checkCurl, ["--help"])
        var options: Set<String> = []
        for line in help.stdout.split(separator: "\n") where line.hasPrefix(" -") {
            for word in line.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "=" || $0 == "[" }) {
                if word.hasPrefix("-") { options.insert(String(word)) }
            }
        }
        return options
    }

    @Test("every service of contrib/nagios and the README runs OK with check_curl's flags; a closed port is CRITICAL")
    func servicesRun() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CheckCurlParityTests.checkCurl))
        let root = Fixtures.packageRoot.path
        let contrib = try String(contentsOfFile: "\(root)/contrib/nagios/canary.cfg", encoding: .utf8)
        let readme = try String(contentsOfFile: "\(root)/README.md", encoding: .utf8)
        let known = try await Self.checkCurlOptions()
        #expect(known.contains("-H") && known.contains("--onredirect") && known.contains("-m"))

        let certificates = try await TestCertificates.make()
        let folder = try Fixtures.temporaryFolder()
        try "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><h1>My Sign-Ins</h1></body></html>\n"
            .write(toFile: "\(folder)/mysignins", atomically: true, encoding: .utf8)
        let files = certificates.certificate(.valid)
        let tls = try await TLSServer.start(cert: files.cert, key: files.key, responses: folder)
        defer { tls.stop() }

        try await withSimulator { server in
            for (source, text) in [("contrib/nagios/canary.cfg", contrib), ("README.md", readme)] {
                let definitions = Self.definitions(in: text)
                let commands = Dictionary(
                    definitions.filter { $0.type == "command" }.compactMap { definition in
                        definition.fields["command_name"].map { ($0, definition.fields["command_line"] ?? "") }
                    }, uniquingKeysWith: { first, _ in first })
                let services = definitions.filter { $0.type == "service" }
                #expect(!services.isEmpty, "\(source) defines no service")
                for service in services {
                    let description = service.fields["service_description"] ?? "?"
                    let call = try #require(service.fields["check_command"]).split(
                        separator: "!", omittingEmptySubsequences: false
                    ).map(String.init)
                    let template = try #require(commands[call[0]], "\(source): no command \(call[0])")
                    var macros = ["HOSTNAME": "localhost", "HOSTADDRESS": "127.0.0.1", "SERVICEDESC": description]
                    for (index, argument) in call.dropFirst().enumerated() {
                        macros["ARG\(index + 1)"] = try Self.expand(argument, [:])
                    }
                    let https = call.dropFirst().contains { $0.hasPrefix("-S ") || $0.contains(" -S ") }
                    macros["_HOSTPORT"] = "\(https ? tls.port : server.port)"
                    var line = try Self.expand(template, macros)
                    #expect(line.hasPrefix("/usr/local/bin/canary check "), "\(source) \(description): \(line)")
                    // Every option is one check_curl takes.
                    let words = line.split(separator: " ").map(String.init)
                    for word in words where word.hasPrefix("-") {
                        let option = String(word.prefix { $0 != "=" })
                        #expect(known.contains(option), "\(source) \(description): \(option) is not check_curl's")
                    }
                    line = CanaryBinary.path + line.dropFirst("/usr/local/bin/canary".count)
                    if https { line += " --ca-cert '\(certificates.caFile)'" }
                    let output = try await ChildProcess.run(
                        "/bin/sh", ["-c", line], environment: ["CANARY_INTRANET_PASSWORD": "secret", "NO_COLOR": "1"])
                    #expect(output.status == 0, "\(source) \(description): \(line)\n\(output.stdout)\(output.stderr)")
                    #expect(output.stdout.hasPrefix("CANARY OK - "), "\(source) \(description): \(output.stdout)")
                    #expect(!output.stdout.contains("secret"), "\(source) \(description): \(output.stdout)")
                    // The same service against a closed port: a Nagios CRITICAL.
                    macros["_HOSTPORT"] = "1"
                    let closed =
                        CanaryBinary.path
                        + (try Self.expand(template, macros)).dropFirst(
                            "/usr/local/bin/canary".count)
                    let down = try await ChildProcess.run(
                        "/bin/sh", ["-c", closed], environment: ["CANARY_INTRANET_PASSWORD": "secret", "NO_COLOR": "1"])
                    #expect(down.status == 2, "\(source) \(description): \(down.stdout)")
                }
            }
        }
    }
}
