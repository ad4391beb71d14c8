import CanaryCore
import CanaryTestSupport
import Foundation
import Testing

/// The demo's HTML report, opened in headless Chromium (Debian's `chromium`).
@Suite("The HTML report in Chromium")
struct HistoryHTMLTests {
    /// Counts the pixels of a PNG that are each `#rrggbb` given, within 8 per channel:
    /// Python's zlib is all it needs (8-bit RGB or RGBA, not interlaced, as Chromium writes).
    static let pixelCounter = #"""
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n'
        pos, idat, width = 8, b'', 0
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
                assert depth == 8 and colour in (2, 6) and interlace == 0
                channels = 3 if colour == 2 else 4
            elif kind == b'IDAT':
                idat += body
            pos += 12 + length
        raw = zlib.decompress(idat)
        stride = width * channels
        previous = bytearray(stride)
        targets = [tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in sys.argv[2:]]
        counts = [0] * len(targets)
        for row in range(height):
            start = row * (stride + 1)
            kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                if kind == 1: line[i] = (line[i] + a) & 255
                elif kind == 2: line[i] = (line[i] + b) & 255
                elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif kind == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, channels):
                pixel = line[x:x + 3]
                for n, t in enumerate(targets):
                    if all(abs(pixel[k] - t[k]) <= 8 for k in range(3)):
                        counts[n] += 1
            previous = line
        print(width, height, *counts)
        """#

    @Test("the demo's report renders without console errors; its timelines are drawn, in class colours")
    func demoReport() async throws {
        let folder = try Fixtures.temporaryFolder()
        let html = "\(folder)/canary-demo.html"
        let demo = try await HeavyTests.exclusive {
            try await CanaryBinary.run(
                [
                    "demo", "--speed", "2500", "--textfile", "\(folder)/demo.prom", "--history", "\(folder)/demo.db",
                    "--html", html,
                ], timeout: 120)
        }
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("their report: \(html)"))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(!page.contains("<script") && !page.contains("src=") && !page.contains("url(http"))

        let chromium = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
        let (dom, shot) = try await HeavyTests.exclusive {
            let dom = try await ChildProcess.run(
                "chromium", chromium + ["--enable-logging=stderr", "--v=0", "--dump-dom", "file://\(html)"],
                timeout: 60)
            let shot = try await ChildProcess.run(
                "chromium",
                chromium + ["--window-size=1100,1400", "--screenshot=\(folder)/report.png", "file://\(html)"],
                timeout: 60)
            return (dom, shot)
        }
        #expect(dom.status == 0 && shot.status == 0, "\(dom.stderr)\n\(shot.stderr)")
        // Console messages, which a page without script should never have.
        let console = dom.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "\(console)")
        // The DOM as Chromium parsed it: three probes, each with a timeline of drawn slices.
        let timelines = dom.stdout.components(separatedBy: "<svg class=\"timeline\"").dropFirst()
        #expect(timelines.count == 3)
        // A healthy probe's timeline may be one green rectangle; the failing portal's has
        // its classes and its alerting and vendor bands.
        let rectangles = timelines.map {
            $0.components(separatedBy: "</svg>")[0].components(separatedBy: "<rect").count - 1
        }
        #expect(rectangles.allSatisfy { $0 >= 1 }, "\(rectangles)")
        #expect((rectangles.max() ?? 0) > 5, "\(rectangles)")
        #expect(dom.stdout.components(separatedBy: "<svg class=\"latency\"").count == 4)

        // The screenshot: the portal's outage in gateway_timeout red, healthy time in ok green.
        let pixels = try await ChildProcess.run(
            "python3",
            ["-c", Self.pixelCounter, "\(folder)/report.png", ProbeClass.ok.colour, ProbeClass.gatewayTimeout.colour])
        #expect(pixels.status == 0, "\(pixels.stderr)")
        let numbers = pixels.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(numbers.count == 4)
        if numbers.count == 4 {
            #expect(numbers[0] == 1100 && numbers[1] == 1400)
            #expect(numbers[2] > 10_000, "ok-green pixels: \(numbers[2])")
            #expect(numbers[3] > 2_000, "gateway_timeout-red pixels: \(numbers[3])")
        }
    }
}
