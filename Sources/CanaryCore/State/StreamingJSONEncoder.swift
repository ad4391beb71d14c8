import Foundation

/// A JSON encoder that writes each value as it is encoded, for the state file's records.
///
/// Foundation's `JSONEncoder` first builds a tree of every value, then sorts and writes
/// it: at a watch's flush of 1,000 changed records that was half the flush's CPU. This one
/// writes straight into one string, keys in the order the type encodes them. Dates are
/// seconds since 1970 (`JSONDecoder`'s `.secondsSince1970` reads them back), strings are
/// escaped as JSON requires, and a non-finite number is an error, as with `JSONEncoder`.
///
/// The `Encoder` protocol has no call that ends a container: a container is closed when
/// the value that opened it returns from `encode(to:)`, and a nested container when its
/// parent writes its next element or closes.
enum StreamingJSONEncoder {
    /// `value` as JSON text.
    /// - Throws: `EncodingError.invalidValue` for a NaN or infinite number.
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let writer = Writer()
        try writer.write(value, codingPath: [])
        return writer.text
    }

    /// The text being written, shared by every encoder and container of one encoding.
    final class Writer {
        var text = ""

        init() {
            text.reserveCapacity(1024)
        }

        /// Writes one value: a scalar directly, anything else through its `encode(to:)`.
        func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            switch value {
            case let string as String: writeString(string)
            case let date as Date: try writeNumber(date.timeIntervalSince1970, codingPath: codingPath)
            case let number as Double: try writeNumber(number, codingPath: codingPath)
            case let number as Int: text += String(number)
            case let flag as Bool: text += flag ? "true" : "false"
            // Every other scalar, which would otherwise encode itself through a single
            // value container back into this method.
            case let number as any BinaryInteger: text += String(describing: number)
            case let number as Float: try writeNumber(Double(number), codingPath: codingPath)
            case let url as URL: writeString(url.absoluteString)
            default:
                let encoder = StreamEncoder(writer: self, codingPath: codingPath)
                try value.encode(to: encoder)
                encoder.close()
            }
        }

        func writeNumber(_ number: Double, codingPath: [any CodingKey]) throws {
            guard number.isFinite else {
                throw EncodingError.invalidValue(
                    number, .init(codingPath: codingPath, debugDescription: "\(number) is not a JSON number"))
            }
            // Whole numbers as JSONEncoder writes them (1, not 1.0).
            if number == number.rounded(), abs(number) < 1e15 {
                text += String(Int64(number))
            } else {
                text += number.description
            }
        }

        func writeString(_ string: String) {
            text.append("\"")
            var start = string.utf8.startIndex
            var index = start
            let utf8 = string.utf8
            while index != utf8.endIndex {
                let byte = utf8[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                    text += string[start..<index]
                    switch byte {
                    case UInt8(ascii: "\""): text += "\\\""
                    case UInt8(ascii: "\\"): text += "\\\\"
                    case 0x0A: text += "\\n"
                    case 0x0D: text += "\\r"
                    case 0x09: text += "\\t"
                    default:
                        let hex = String(byte, radix: 16)
                        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    }
                    index = utf8.index(after: index)
                    start = index
                } else {
                    index = utf8.index(after: index)
                }
            }
            text += string[start..<index]
            text.append("\"")
        }
    }

    /// One value's encoder: it opens at most one container, closed by ``close()``.
    final class StreamEncoder: Encoder {
        let writer: Writer
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        /// What closes the container opened: `}`, `]`, or empty for a single value.
        private var closing: String?
        /// Whether the container has an element, so the next one needs a comma.
        private var hasElement = false
        /// A nested container or super encoder still open: closed before the next element.
        private var openChild: StreamEncoder?

        init(writer: Writer, codingPath: [any CodingKey]) {
            self.writer = writer
            self.codingPath = codingPath
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            open("{", closing: "}")
            return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            open("[", closing: "]")
            return UnkeyedContainer(encoder: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            if closing == nil { closing = "" }
            return SingleContainer(encoder: self)
        }

        private func open(_ bracket: String, closing: String) {
            guard self.closing == nil else { return }
            writer.text += bracket
            self.closing = closing
        }

        /// Ends the container this encoder opened (an empty object if it opened none, as
        /// JSONEncoder writes a nested value that encodes nothing).
        func close() {
            closeChild()
            writer.text += closing ?? "{}"
        }

        private func closeChild() {
            openChild?.close()
            openChild = nil
        }

        /// Starts the next element: closes an open nested container, writes the comma and,
        /// in an object, the key.
        func startElement(key: (any CodingKey)?) {
            closeChild()
            if hasElement { writer.text += "," }
            hasElement = true
            if let key {
                writer.writeString(key.stringValue)
                writer.text += ":"
            }
        }

        /// An encoder for a nested container at `key` (or the next array slot), left open
        /// until the next element or the close.
        func child(key: (any CodingKey)?, path: [any CodingKey]) -> StreamEncoder {
            startElement(key: key)
            let child = StreamEncoder(writer: writer, codingPath: path)
            openChild = child
            return child
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: StreamEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil(forKey key: Key) throws {
            encoder.startElement(key: key)
            encoder.writer.text += "null"
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            encoder.startElement(key: key)
            try encoder.writer.write(value, codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            encoder.child(key: key, path: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.child(key: key, path: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let key = StringKey("super")
            return encoder.child(key: key, path: codingPath + [key])
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            encoder.child(key: key, path: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: StreamEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        private(set) var count = 0

        init(encoder: StreamEncoder) {
            self.encoder = encoder
        }

        mutating func encodeNil() throws {
            encoder.startElement(key: nil)
            encoder.writer.text += "null"
            count += 1
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.startElement(key: nil)
            try encoder.writer.write(value, codingPath: codingPath + [StringKey(index: count)])
            count += 1
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            count += 1
            return encoder.child(key: nil, path: codingPath + [StringKey(index: count - 1)]).container(
                keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            count += 1
            return encoder.child(key: nil, path: codingPath + [StringKey(index: count - 1)]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            count += 1
            return encoder.child(key: nil, path: codingPath + [StringKey(index: count - 1)])
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: StreamEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws {
            encoder.writer.text += "null"
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try encoder.writer.write(value, codingPath: codingPath)
        }
    }

    /// A key made from a string or an array index.
    struct StringKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(_ string: String) {
            stringValue = string
        }

        init(index: Int) {
            stringValue = "Index \(index)"
            intValue = index
        }

        init?(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            self.init(index: intValue)
        }
    }
}
