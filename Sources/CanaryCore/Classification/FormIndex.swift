/// Forms by their first four bytes, so that a text is searched only for the forms that
/// could start somewhere in it: with a hundred secrets in a few thousand forms, most texts
/// hold none, and finding that costs one pass over the text.
struct FormIndex: Sendable {
    let forms: [[UInt8]]
    private var byPrefix: [UInt32: [Int]] = [:]
    /// Forms under four bytes, always searched.
    private var short: [Int] = []

    init(_ forms: [[UInt8]]) {
        self.forms = forms
        for (index, form) in forms.enumerated() {
            if form.count < 4 {
                short.append(index)
            } else {
                byPrefix[Self.key(form[0], form[1], form[2], form[3]), default: []].append(index)
            }
        }
    }

    private static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Every place in `text` where a form occurs, as byte ranges (overlapping ones too).
    func matches(in text: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        func check(_ formIndex: Int, at start: Int) {
            let form = forms[formIndex]
            guard !form.isEmpty, start + form.count <= text.count,
                text[start..<(start + form.count)].elementsEqual(form)
            else { return }
            found.append(start..<(start + form.count))
        }
        var window: UInt32 = 0
        for (offset, byte) in text.enumerated() {
            for formIndex in short { check(formIndex, at: offset) }
            window = window << 8 | UInt32(byte)
            if offset >= 3, let candidates = byPrefix[window] {
                for formIndex in candidates { check(formIndex, at: offset - 3) }
            }
        }
        return found
    }
}
