import CanaryCore
import Foundation
import Testing

/// The redactor finds a secret in the encodings servers and libraries echo it in.
@Suite("Redactor")
struct RedactorTests {
    @Test(
        "percent (RFC 3986, JavaScript, PHP, Java, form, mixed-case), JSON (\\/, \\u), HTML and base64 echoes",
        arguments: [
            ("p@ss-w0rd!/x", "p%40ss-w0rd%21%2Fx"),  // RFC 3986 / Python quote: -._~ unescaped
            ("p@ss-w0rd!/x", "p%40ss-w0rd!%2Fx"),  // JavaScript encodeURIComponent
            ("Tok_abc-def.ghi~jkl/mno+pq=", "Tok_abc-def.ghi~jkl%2Fmno%2Bpq%3D"),
            ("Tok_abc-def.ghi~jkl/mno+pq=", "Tok_abc-def.ghi~jkl%2fmno%2Bpq%3d"),  // mixed case
            ("plain secret value", "plain+secret+value"),  // form encoding
            ("pässwort1", "p\\u00e4sswort1"),  // Python json.dumps
            ("pässwort1", "p%C3%A4sswort1"),
            ("abc<def&ghi", "abc\\u003cdef\\u0026ghi"),  // Go encoding/json
            ("abc<def&ghi", "abc&lt;def&amp;ghi"),  // HTML
            ("a/b\"c", "a\\/b\\\"c"),  // PHP json_encode
            ("hunter2-long", Data("alice:hunter2-long".utf8).base64EncodedString()),  // Basic auth
            ("pa\"ss<wd>99", "pa&#34;ss&lt;wd&gt;99"),  // Jinja2, Go html.EscapeString
            ("it's-secret-42", "it&#039;s-secret-42"),  // PHP htmlspecialchars(ENT_QUOTES)
            ("it's-secret-42", "it&apos;s-secret-42"),  // HTML5
            ("Tk/9+a=b", "Tk&#x2f;9&#x2b;a&#x3d;b"),  // OWASP, hex entities in lowercase
            ("Tk/9+a=b", "Tk&#47;9&#43;a&#61;b"),  // decimal entities
            ("Zk9+Qw2/xY==", "Zk9&#43;Qw2/xY=="),  // Go html/template: only + as an entity
            ("Zk9+Qw2/xY==", "Zk9%2BQw2/xY%3D%3D"),  // Python quote(), '/' left as it is
            ("pässwörd", "pa\u{0308}sswo\u{0308}rd"),  // echoed decomposed (NFD)
        ])
    func encodings(_ secret: String, _ echo: String) {
        let redactor = Redactor(secrets: [secret])
        let shown = redactor.redact("echo: \(echo) end")
        #expect(shown.contains(Redactor.placeholder), "\(echo) -> \(shown)")
        #expect(!shown.contains(echo), "\(echo) -> \(shown)")
    }

    @Test("a text cut inside a secret's escaped form, in either case, keeps no start of it")
    func cut() {
        let secret = "abcdef/ghijklmnopqrstuvwxyz0123456789"
        let redactor = Redactor(secrets: [secret])
        let lower = "AAAA" + "abcdef%2fghijklmnopqrstuvwxyz0"
        #expect(redactor.redactCut(lower) == "AAAA[redacted]")
        // Cut inside an escape: the part of it that is left goes too.
        #expect(redactor.redactCut("AAAA" + "abcdef%2") == "AAAA[redacted]")
        #expect(Redactor(secrets: ["Tk/9+a=b"]).redactCut("AAAA Tk&#x2") == "AAAA [redacted]")
        #expect(Redactor(secrets: ["pässwort1"]).redactCut("AAAA p\\u00e") == "AAAA [redacted]")
        // The longest start of any form wins, not the first form that ends the text.
        let other = Redactor(secrets: ["x/9Kx7Qm2secretpart12345"])
        #expect(other.redactCut("AAAAx/9K") == "AAAA[redacted]")
    }

    @Test("a combining mark after the secret, or a secret overlapping another, hides it whole")
    func unicodeAndOverlaps() {
        let marked = Redactor(secrets: ["hunter22"]).redact("token=hunter22\u{301} end")
        #expect(!marked.contains("hunter22"), "\(marked)")
        let overlapping = Redactor(secrets: ["tokenXYZ", "XYZ123"]).redact("a tokenXYZ123 b")
        #expect(overlapping == "a [redacted] b")
    }

    @Test("text without the secret is left alone")
    func untouched() {
        let redactor = Redactor(secrets: ["p@ss-w0rd!/x"])
        let text = "HTTP 200 in 3ms, from 127.0.0.1, content-type: text/html; charset=utf-8 %2F %41"
        #expect(redactor.redact(text) == text)
    }

    @Test("a client secret form-encoded inside Basic (client_secret_basic: ~ is %7E) is hidden")
    func formEncodedBasic() {
        let secret = "Xy18Q~AbCdEfGhIjKlMnOpQrStUvWxYz0123456.ab"
        let redactor = Redactor(secrets: [secret])
        for user in ["myclient", "c", "client-id-42"] {
            let encoded = secret.replacingOccurrences(of: "~", with: "%7E")
            let header = Data("\(user):\(encoded)".utf8).base64EncodedString()
            let shown = redactor.redact("invalid_client: got Basic \(header)")
            #expect(shown.contains(Redactor.placeholder), "\(shown)")
            // What is left of the base64 carries at most the user and a character's bits.
            #expect(shown.count < "invalid_client: got Basic ".count + 24 + Redactor.placeholder.count, "\(shown)")
        }
    }
}
