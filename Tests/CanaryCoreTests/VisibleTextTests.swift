import CanaryCore
import Testing

@Suite("Visible text")
struct VisibleTextTests {
    @Test("scripts, styles, noscript, templates, comments and tags are not visible")
    func hiddenParts() {
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><style>body{color:red}</style>
            <script>var s = "<p>not visible</p>";</script><SCRIPT type="x">alert(1)</SCRIPT></head>
            <body><!-- a comment --><template><p>hidden</p></template>
            <noscript>Enable JavaScript</noscript><div id="root">&nbsp;</div></body></html>
            """
        #expect(VisibleText.extract(html: Array(html.utf8)) == "")
    }

    @Test("text between tags is visible, entities decoded, whitespace collapsed")
    func visible() {
        let html = "<html><title>My Sign-Ins</title><body><h1>Security&nbsp;info</h1>\n\n<p>Add &amp; remove</p></body>"
        #expect(VisibleText.extract(html: Array(html.utf8)) == "My Sign-Ins Security info Add & remove")
    }

    @Test("control characters are not visible: a page of NULs is blank")
    func controls() {
        #expect(VisibleText.extract(html: Array(repeating: 0, count: 5000)) == "")
        #expect(VisibleText.plain(Array(repeating: 0, count: 100) + Array("\u{7F}\u{1B}".utf8)) == "")
        #expect(VisibleText.extract(html: Array("<p>a\u{0}\u{0}b\u{85}c</p>".utf8)) == "a b c")
    }

    @Test("HTML is recognised by content type or by its first bytes")
    func detection() {
        #expect(VisibleText.isHTML(contentType: "text/html; charset=utf-8", body: []))
        #expect(!VisibleText.isHTML(contentType: "application/json", body: Array("<html>".utf8)))
        #expect(VisibleText.isHTML(contentType: nil, body: Array("  <!doctype html><p>x".utf8)))
        #expect(!VisibleText.isHTML(contentType: nil, body: Array("{\"ok\":true}".utf8)))
    }

    @Test("an unterminated script hides the rest rather than crashing")
    func unterminated() {
        #expect(VisibleText.extract(html: Array("<p>a</p><script>never closed".utf8)) == "a")
        #expect(VisibleText.extract(html: Array("<p>a<!-- never closed".utf8)) == "a")
        #expect(VisibleText.extract(html: Array("b <".utf8)) == "b")
    }
}
