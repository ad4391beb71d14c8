import CanaryCore
import Curl
import Testing

@Suite("URLs, trimming and the environment")
struct TextHelpersTests {
    @Test(
        "libcurl's parser reads scheme and host",
        arguments: [
            ("https://mysignins.example.com/security-info", "https", "mysignins.example.com"),
            ("HTTP://Example.COM:8080/a?b=c", "http", "Example.COM"),
            ("http://127.0.0.1:9/", "http", "127.0.0.1"),
            ("http://[::1]:8080/", "http", "[::1]"),
        ])
    func urls(_ text: String, _ scheme: String, _ host: String) throws {
        let url = try #require(CurlURL(text))
        #expect(url.scheme == scheme)
        #expect(url.host == host)
    }

    @Test(
        "what libcurl would refuse is refused",
        arguments: [
            "", "example.com/path", "http://", "http://exa mple.com/", "http://host:99999/", "://host/",
            "http://host\n.example/", "http:///path", "http:/example.com", "http:example.com",
        ])
    func badURLs(_ text: String) {
        #expect(CurlURL(text, anyScheme: true) == nil)
    }

    @Test("a scheme libcurl cannot fetch needs anyScheme")
    func otherSchemes() {
        #expect(CurlURL("socks5://proxy.internal:1080") == nil)
        #expect(CurlURL("socks5://proxy.internal:1080", anyScheme: true)?.scheme == "socks5")
    }

    @Test("a UTF-8 prefix never ends inside a character")
    func utf8Prefix() {
        let bytes = Array("ab\u{E9}\u{1F468}".utf8)  // 2 + 2 + 4 bytes
        #expect(Array(CurlResponse.utf8Prefix(bytes, 3)) == Array("ab".utf8))
        #expect(Array(CurlResponse.utf8Prefix(bytes, 4)) == Array("ab\u{E9}".utf8))
        #expect(Array(CurlResponse.utf8Prefix(bytes, 7)) == Array("ab\u{E9}".utf8))
        #expect(Array(CurlResponse.utf8Prefix(bytes, 8)) == bytes)
        #expect(Array(CurlResponse.utf8Prefix(bytes, 100)) == bytes)
    }

    @Test("trimming blanks keeps line breaks; trimming whitespace does not")
    func trimming() {
        #expect("  10s\t".trimmingBlanks() == "10s")
        #expect(" \n10s\n ".trimmingBlanks() == "\n10s\n")
        #expect(" \n10s\n ".trimmingWhitespace() == "10s")
        #expect("\u{00A0}a b\u{2003}".trimmingBlanks() == "a b")
        #expect("   ".trimmingBlanks() == "")
        #expect("".trimmingWhitespace() == "")
        #expect(" x ".dropFirst().trimmingBlanks() == "x")
    }

    @Test("a fixed environment never reads the process's")
    func environment() {
        let fixed: Environment = ["TOKEN": "t"]
        #expect(fixed["TOKEN"] == "t")
        #expect(fixed["PATH"] == nil)
        #expect(Environment.process["PATH"] != nil)
        #expect(Environment.process["CANARY_SURELY_UNSET_\(UInt64.random(in: 0...UInt64.max))"] == nil)
    }

    @Test("a check's --name: one line of printable text without '|' (no escape sequence reaches the plugin line)")
    func checkNames() {
        for good in ["portal", "My Sign-Ins (eu)", "portál ✓"] { #expect(ProbeRules.isCheckName(good), "\(good)") }
        for bad in ["", "a|b", "a\nb", "a\u{2028}b", "ctl\u{1B}[31mred", "bell\u{07}", "del\u{7F}", "c1\u{9B}31m"] {
            #expect(!ProbeRules.isCheckName(bad), "\(bad.debugDescription)")
        }
    }

    @Test("labels: Prometheus names, none canary sets, and not quantile or le (promtool refuses them off summaries)")
    func labelNames() {
        for good in ["team", "location", "_x", "le_x"] { #expect(LabelName.isValid(good), "\(good)") }
        for bad in ["quantile", "le", "class", "probe", "__name", "1x", "a-b", ""] {
            #expect(!LabelName.isValid(bad), "\(bad)")
        }
    }
}
