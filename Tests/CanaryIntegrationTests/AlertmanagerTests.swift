import CanaryCore
import CanarySimulator
import CanaryTestSupport
import Curl
import Foundation
import Testing

/// canary against the real Alertmanager (Debian's `prometheus-alertmanager`), routing to
/// a webhook receiver the test runs: what an SRE's pipeline does with canary's alerts.
@Suite("Notify: the real Alertmanager")
struct AlertmanagerTests {
    /// Alertmanager's webhook notifications received, as (status, alert count).
    func notifications(_ server: SimulatorServer) throws -> [String] {
        try server.receiver.deliveries("/hooks/am-receiver").map {
            let object = try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])
            return object["status"] as? String ?? "?"
        }
    }

    /// Polls until `condition` holds, for up to `seconds`.
    func eventually(_ seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    @Test("10 cron runs failing in runs 3-6: the alert shows in /api/v2/alerts, is routed once, and resolves once")
    func cronRuns() async throws {
        try await HeavyTests.exclusive {
            try await withSimulator { server in
                let folder = try Fixtures.temporaryFolder()
                let port = try ChildProcess.freePort()
                let config = try Fixtures.write(
                    """
                    route:
                      receiver: hook
                      group_by: [alertname, probe]
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: hook
                        webhook_configs:
                          - url: \(server.baseURL)/hooks/am-receiver
                            send_resolved: true
                    """, to: "alertmanager.yml", in: folder)
                let alertmanager = try ChildProcess.Background(
                    "prometheus-alertmanager",
                    [
                        "--config.file=\(config)", "--storage.path=\(folder)/data",
                        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
                    ])
                alertmanager.drainOutput()
                defer { alertmanager.stop() }
                _ = try await Scraper.get("http://127.0.0.1:\(port)/-/ready")
                let api = "http://127.0.0.1:\(port)"
                for run in 1...10 {
                    let route = (3...6).contains(run) ? "/status/504" : "/ok"
                    let probes = try Fixtures.write(
                        """
                        notify:
                          - alertmanager: {url: "\(api)", generator_url: "http://canary.example/report"}
                        probes:
                          - name: mysignins
                            url: \(server.baseURL)\(route)
                            attempts: 1
                            alert: {after: 1, recover_after: 1, ratio: 1}
                            labels: {team: identity}
                        """, to: "p.yaml", in: folder)
                    let output = try await CanaryBinary.run([
                        "run", probes, "--state", "\(folder)/state.json", "--all",
                    ])
                    #expect(output.stderr.isEmpty, "run \(run): \(output.stderr)")
                    if run == 3 {
                        let alerts = try await Scraper.get("\(api)/api/v2/alerts")
                        #expect(alerts.contains(#""alertname":"CanaryProbeAlerting""#))
                        #expect(alerts.contains(#""probe":"mysignins""#))
                        #expect(alerts.contains(#""class":"gateway_timeout""#))
                        #expect(alerts.contains(#""team":"identity""#))
                        #expect(alerts.contains("http://canary.example/report"))
                        // The firing notification goes out before the outage ends.
                        #expect(try await eventually(15) { try notifications(server) == ["firing"] })
                    }
                    if run == 7 {
                        #expect(try await eventually(15) { try notifications(server) == ["firing", "resolved"] })
                        let alerts = try await Scraper.get("\(api)/api/v2/alerts?active=true")
                        #expect(!alerts.contains(#""probe":"mysignins""#), "\(alerts)")
                    }
                }
                // Later runs (passing) tell Alertmanager nothing more.
                try await Task.sleep(for: .seconds(3))
                #expect(try notifications(server) == ["firing", "resolved"])
            }
        }
    }
}
