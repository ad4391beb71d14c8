import CanaryCore
import Testing

@Suite("Durations and sizes")
struct UnitsTests {
    @Test(
        "durations parse",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("10s", .seconds(10)), ("5m", .seconds(300)),
            ("1h", .seconds(3600)), ("14d", .seconds(14 * 86_400)), ("1m30s", .seconds(90)),
            ("1.5s", .milliseconds(1500)),
        ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(Units.duration(text) == expected)
    }

    @Test("non-durations are rejected", arguments: ["", "10", "ten s", "5 minutes", "s", "-1s", "1w"])
    func badDurations(_ text: String) {
        #expect(Units.duration(text) == nil)
    }

    @Test("sizes parse", arguments: [("512", 512), ("64KiB", 65536), ("10MiB", 10 << 20), ("1GB", 1_000_000_000)])
    func sizes(_ text: String, _ expected: Int) {
        #expect(Units.size(text) == expected)
    }

    @Test("non-sizes are rejected", arguments: ["", "ten", "10 megs", "-5", "5XB"])
    func badSizes(_ text: String) {
        #expect(Units.size(text) == nil)
    }

    @Test("durations format back", arguments: [("250ms", "250ms"), ("10s", "10s"), ("1.5s", "1.5s"), ("14d", "14d")])
    func formatting(_ text: String, _ expected: String) throws {
        #expect(Units.format(try #require(Units.duration(text))) == expected)
    }

    @Test("sizes up to 1 TiB, TiB and TB included; larger ones are refused with the limit named")
    func sizeLimit() throws {
        #expect(Units.size("1TiB") == 1 << 40)
        #expect(Units.size("1TB") == 1_000_000_000_000)
        #expect(Units.size("1025GiB") == nil)
        #expect(throws: Units.Problem.self) { try Units.parseSize("2TiB") }
    }

    @Test("spans read as people say them: 0s, 45s, 12m, 47m51s, 1h05m")
    func spans() {
        #expect(Units.span(0.44) == "0s")
        #expect(Units.span(45) == "45s")
        #expect(Units.span(720) == "12m")
        #expect(Units.span(2871) == "47m51s")
        #expect(Units.span(3900) == "1h05m")
        let view = VendorView(
            name: "m365", component: nil, status: .operational, since: nil, incident: nil, lagSeconds: nil,
            disagreementSeconds: 750)
        #expect(view.phrase == "vendor says operational for 12m30s")
        var admitted = view
        (admitted.disagreementSeconds, admitted.lagSeconds) = (0, 2460)
        #expect(admitted.phrase == "vendor admitted 41m after canary")
        admitted.lagSeconds = -300
        #expect(admitted.phrase == "vendor admitted 5m before canary")
    }
}
