/// Forms by their first four bytes, so that a text is searched only for the forms that
/// could start somewhere in it: with a hundred secrets in a few thousand forms, most texts
/// hold none, and finding that costs one pass over the text.
struct FormIndex: Sendable {
    private var byPrefix: [UInt32: [Int]] = [:]
    /// Forms under four bytes, always searched.
    private var short: [Int] = []

    init(_ forms: [String]) {
        for (index, form) in forms.enumerated() {
            let bytes = Array(form.utf8.prefix(4))
            if bytes.count < 4 {
                short.append(index)
            } else {
                byPrefix[Self.key(bytes[0], bytes[1], bytes[2], bytes[3]), default: []].append(index)
            }
        }
    }

    private static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// The indices of the forms that may occur in `text`, in their order (longest first).
    func candidates(in text: String.UTF8View) -> [Int] {
        var found = Set(short)
        if !byPrefix.isEmpty {
            var window: UInt32 = 0
            for (offset, byte) in text.enumerated() {
                window = window << 8 | UInt32(byte)
                if offset >= 3, let forms = byPrefix[window] { found.formUnion(forms) }
            }
        }
        return found.sorted()
    }
}
