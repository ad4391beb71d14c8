import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// `watch --listen` (DESIGN.md section 16), scraped by the real Prometheus (Debian's
/// `prometheus`): `/metrics` as a target, and `/probe` with a scrape config written for
/// blackbox_exporter.
@Suite("watch --listen")
struct ListenTests {
    /// Starts `canary watch ARGUMENTS --listen 127.0.0.1:0` and reads back its port.
    func watch(_ arguments: [String]) async throws -> (ChildProcess.Background, Int) {
        let process = try ChildProcess.Background(
            CanaryBinary.path, ["watch"] + arguments + ["--listen", "127.0.0.1:0"], environment: ["NO_COLOR": "1"])
        process.drainOutput()
        guard
            let port = await process.waitForOutput(
                matching: /serving \/metrics and \/probe on http:\/\/127\.0\.0\.1:(\d+)/, timeout: .seconds(10)
            ).flatMap(Int.init)
        else {
            process.stop()
            throw TestSupportError("canary watch --listen did not say its port")
        }
        return (process, port)
    }

    @Test("Prometheus scrapes /metrics, and /probe through a blackbox_exporter scrape config, unchanged")
    func prometheus() async throws {
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let probes = try Fixtures.write(
                    """
                    probes:
                      - {name: portal, url: "\(server.baseURL)/ok", interval: 1s, attempts: 1}
                      - {name: blank, url: "\(server.baseURL)/blank", interval: 1s, attempts: 1}
                    """, to: "p.yaml", in: folder)
                let (canary, port) = try await watch([probes, "--quiet"])
                defer { canary.stop() }
                let metrics = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
                let check = try await ChildProcess.run("promtool", ["check", "metrics"], stdin: metrics)
                #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
                let prometheusPort = try ChildProcess.freePort()
                let config = try Fixtures.write(
                    """
                    global: {scrape_interval: 2s, scrape_timeout: 2s}
                    scrape_configs:
                      - job_name: canary
                        static_configs: [{targets: ["127.0.0.1:\(port)"]}]
                      - job_name: blackbox
                        metrics_path: /probe
                        params:
                          module: [http_2xx]
                        static_configs:
                          - targets: ["\(server.baseURL)/ok", "\(server.baseURL)/status/504"]
                        relabel_configs:
                          - source_labels: [__address__]
                            target_label: __param_target
                          - source_labels: [__param_target]
                            target_label: instance
                          - target_label: __address__
                            replacement: 127.0.0.1:\(port)
                    """, to: "prometheus.yml", in: folder)
                let prometheus = try ChildProcess.Background(
                    "prometheus",
                    [
                        "--config.file=\(config)", "--storage.tsdb.path=\(folder)/tsdb",
                        "--web.listen-address=127.0.0.1:\(prometheusPort)",
                    ])
                prometheus.drainOutput()
                defer { prometheus.stop() }
                let api = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query="
                func query(_ promql: String) async throws -> String {
                    try await Scraper.get(
                        api + (promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                }
                var classes = ""
                var blackbox = ""
                for _ in 0..<60 {
                    classes = try await query(#"canary_probe_result{job="canary"} == 1"#)
                    blackbox = try await query(#"probe_success{job="blackbox"}"#)
                    if classes.contains(#""class":"blank_page""#), blackbox.contains("status/504"),
                        blackbox.contains("\(server.baseURL)/ok")
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
                #expect(classes.contains(#""probe":"portal""#) && classes.contains(#""class":"ok""#), "\(classes)")
                #expect(classes.contains(#""probe":"blank""#) && classes.contains(#""class":"blank_page""#))
                let up = try await query(#"probe_success{job="blackbox",instance="\#(server.baseURL)/ok"}"#)
                let down = try await query(#"probe_success{job="blackbox",instance="\#(server.baseURL)/status/504"}"#)
                #expect(up.contains(#""1"]"#), "\(up)")
                #expect(down.contains(#""0"]"#), "\(down)")
            }
        }
    }

    @Test("scrapers that read a byte a second delay no scheduled probe; /-/healthy, 404 and 405 answer")
    func slowScrapers() async throws {
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let entries = (1...20).map {
                    "  - {name: p\($0), url: \"\(server.baseURL)/ok\", interval: 1s, attempts: 1}"
                }
                let probes = try Fixtures.write("probes:\n" + entries.joined(separator: "\n"), to: "p.yaml", in: folder)
                let (canary, port) = try await watch([probes, "--quiet"])
                defer { canary.stop() }
                // Ten scrapers that ask for /metrics and then read one byte a second.
                let sockets = try (0..<10).map { _ in
                    try SlowReader(port: port, request: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                }
                let before = server.receivedRequests.count
                for _ in 0..<4 {
                    try await Task.sleep(for: .seconds(1))
                    for socket in sockets { socket.readOne() }
                }
                // 20 probes a second for 4 s: at least 60 requests reach the portal.
                #expect(server.receivedRequests.count - before >= 60)
                let metrics = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
                let lag = metrics.split(separator: "\n").first { $0.hasPrefix("canary_watch_start_lag_max_seconds ") }
                let seconds = lag.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 99
                #expect(seconds < 1, "\(lag ?? "no lag sample")")
                #expect(try await Scraper.get("http://127.0.0.1:\(port)/-/healthy") == "Healthy\n")
                let missing = try await ChildProcess.run(
                    "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/nope"])
                #expect(missing.stdout == "404")
                let post = try await ChildProcess.run(
                    "curl",
                    ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://127.0.0.1:\(port)/metrics"])
                #expect(post.stdout == "405")
                // A POST that waits for 100 Continue is refused at once; an absolute-form target is read.
                let waiting = try await ChildProcess.run(
                    "curl",
                    [
                        "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3", "-H", "Expect: 100-continue",
                        "-X", "POST", "--data-binary", "x", "http://127.0.0.1:\(port)/probe",
                    ])
                #expect(waiting.stdout == "405")
                let absolute = try await ChildProcess.run(
                    "curl",
                    ["-s", "--request-target", "http://127.0.0.1:\(port)/-/healthy", "http://127.0.0.1:\(port)/"])
                #expect(absolute.stdout == "Healthy\n")
                // HTTP/1.0: kept open only when asked, and then the answer says so.
                for (asked, said) in [(true, "Connection: keep-alive"), (false, "Connection: close")] {
                    let old = try await ChildProcess.run(
                        "curl",
                        ["-s", "-i", "--http1.0", "http://127.0.0.1:\(port)/-/healthy"]
                            + (asked ? ["-H", "Connection: keep-alive"] : []))
                    #expect(old.stdout.contains(said + "\r\n"), "\(old.stdout)")
                }
                sockets.forEach { $0.close() }
            }
        }
    }

    @Test("a module with credentials probes only its own origin; an unknown module is a 400")
    func moduleCredentials() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                """
                probes:
                  - name: api
                    url: \(server.baseURL)/echo?format=raw
                    interval: 1h
                    attempts: 1
                    headers: {Authorization: "Bearer ${env:TOKEN}"}
                """, to: "p.yaml", in: folder)
            let process = try ChildProcess.Background(
                CanaryBinary.path, ["watch", probes, "--quiet", "--listen", "127.0.0.1:0"],
                environment: ["NO_COLOR": "1", "TOKEN": "tok-\(UUID().uuidString)"])
            process.drainOutput()
            defer { process.stop() }
            let port = try #require(
                await process.waitForOutput(matching: /on http:\/\/127\.0\.0\.1:(\d+)/, timeout: .seconds(10)).flatMap(
                    Int.init))
            func status(_ query: String) async throws -> String {
                try await ChildProcess.run(
                    "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/probe?\(query)"]
                ).stdout
            }
            let other = "http://127.0.0.2:\(server.port)/ok"
            #expect(try await status("module=api&target=\(other)") == "400")
            #expect(try await status("module=api&target=\(server.baseURL)/ok") == "200")
            #expect(try await status("module=nope&target=\(server.baseURL)/ok") == "400")
            #expect(try await status("module=api") == "400")
            #expect(!server.receivedRequests.contains { $0.contains("127.0.0.2") })
        }
    }
}

extension ListenTests {
    func get(_ url: String, headers: [String] = []) async throws -> (code: String, body: String) {
        let output = try await ChildProcess.run(
            "curl", ["-s", "-w", "\\n%{http_code}", "--max-time", "20"] + headers.flatMap { ["-H", $0] } + [url])
        let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
    }

    @Test("/probe: a hanging target under a scrape timeout is probe_success 0 (a timeout); absurd timeouts do no harm")
    func scrapeTimeouts() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                """
                probes:
                  - name: api
                    url: \(server.baseURL)/ok
                    interval: 1h
                    headers: {Authorization: "Bearer literal-token-123"}
                """, to: "p.yaml", in: folder)
            let (canary, port) = try await watch([probes, "--quiet"])
            defer { canary.stop() }
            let probe = "http://127.0.0.1:\(port)/probe?module=http_2xx&target="
            let started = ContinuousClock.now
            let hang = try await get(
                probe + "\(server.baseURL)/hang", headers: ["X-Prometheus-Scrape-Timeout-Seconds: 2"])
            #expect(ContinuousClock.now - started < .seconds(4))
            #expect(hang.code == "200")
            #expect(hang.body.contains("probe_success{probe=\"\(server.baseURL)/hang\"} 0"), "\(hang.body.prefix(300))")
            #expect(hang.body.contains(#"class="timeout"} 1"#))
            for value in ["1e16", "inf", "1e300", "NaN", "-1"] {
                let answer = try await get(
                    probe + "\(server.baseURL)/ok", headers: ["X-Prometheus-Scrape-Timeout-Seconds: \(value)"])
                #expect(answer.code == "200", "timeout header \(value)")
            }
            #expect(try await get("http://127.0.0.1:\(port)/-/healthy").body.hasPrefix("Healthy"))
            // A literal Authorization header is a credential: its module probes only its origin.
            let other = try await get(
                "http://127.0.0.1:\(port)/probe?module=api&target=http://127.0.0.2:\(server.port)/ok")
            #expect(other.code == "400")
            // A target's password is not shown in the labels.
            let secret = try await get(probe + "http://admin:Pw0rdXyz99@127.0.0.1:\(server.port)/ok")
            #expect(secret.code == "200")
            #expect(!secret.body.contains("Pw0rdXyz99"))
            let bad = try await get(probe + "%zz%4")
            #expect(bad.code == "400")
        }
    }

    @Test("/probe requests hold at most half of --concurrency, and a client that hangs up gives its slot back at once")
    func probeSlots() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                """
                defaults: {attempts: 1}
                probes:
                  - {name: fast1, url: "\(server.baseURL)/ok", interval: 1s}
                  - {name: fast2, url: "\(server.baseURL)/ok", interval: 1s}
                  - {name: slow, url: "\(server.baseURL)/ok", interval: 1h, timeout: 20s}
                """, to: "p.yaml", in: folder)
            let (canary, port) = try await watch([probes, "--quiet", "--concurrency", "4"])
            defer { canary.stop() }
            let hanging = "GET /probe?module=slow&target=\(server.baseURL)/hang HTTP/1.1\r\nHost: x\r\n\r\n"
            // Two requests take the half of the 4 slots that requests may hold; a third is
            // told to come back.
            let clients = try (0..<2).map { _ in try SlowReader(port: port, request: hanging) }
            try await Task.sleep(for: .milliseconds(500))
            let third = try await get("http://127.0.0.1:\(port)/probe?module=slow&target=\(server.baseURL)/hang")
            #expect(third.code == "503", "\(third)")
            // The scheduled probes keep their two slots.
            let before = server.receivedRequests.count
            try await Task.sleep(for: .seconds(3))
            #expect(server.receivedRequests.count - before >= 4)
            let metrics = try await Scraper.get("http://127.0.0.1:\(port)/metrics")
            #expect(metrics.contains("\ncanary_watch_probes_lagging 0\n"), "\(metrics.suffix(1500))")
            // The two clients hang up: their runs are cancelled and their slots free, so two
            // new requests run (and time out at the client) rather than meet a 503.
            clients.forEach { $0.close() }
            try await Task.sleep(for: .milliseconds(500))
            let url = "http://127.0.0.1:\(port)/probe?module=slow&target=\(server.baseURL)/hang"
            async let first = ChildProcess.run(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url])
            async let second = ChildProcess.run(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url])
            let codes = try await [first.stdout, second.stdout]
            #expect(codes == ["000", "000"], "\(codes)")
        }
    }

    @Test("a client that trickles its request headers is closed after 10 s")
    func slowloris() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let probes = try Fixtures.write(
                "probes:\n  - {name: p, url: \"\(server.baseURL)/ok\", interval: 1h}\n", to: "p.yaml", in: folder)
            let (canary, port) = try await watch([probes, "--quiet"])
            defer { canary.stop() }
            let client = try SlowReader(port: port, request: "GET /metrics HTTP/1.1\r\n")
            let started = ContinuousClock.now
            var closed = false
            while !closed, ContinuousClock.now - started < .seconds(20) {
                try await Task.sleep(for: .seconds(1))
                client.write("X-a: b\r\n")
                closed = client.isClosed()
            }
            #expect(closed)
            #expect(ContinuousClock.now - started >= .seconds(9))
            client.close()
        }
    }
}

/// A client that sends a request and then reads its answer one byte at a time.
final class SlowReader: Sendable {
    private let fd: Int32

    init(port: Int, request: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        // A tiny receive buffer, so the server's writes back up behind this reader.
        var size: Int32 = 1024
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw TestSupportError("cannot connect to 127.0.0.1:\(port)") }
        _ = request.withCString { Foundation.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    func readOne() {
        var byte: UInt8 = 0
        _ = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
    }

    func write(_ text: String) {
        _ = text.withCString { Foundation.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the server closed the connection (a read finds its end).
    func isClosed() -> Bool {
        var byte: UInt8 = 0
        let read = recv(fd, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK))
        return read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    func close() {
        _ = Foundation.close(fd)
    }
}
