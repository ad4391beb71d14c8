/// A value on the heap behind one reference, encoded and decoded as the value itself:
/// what a large struct's rarely replaced part is kept in, so the struct stays small.
final class Boxed<Value: Sendable & Codable>: Sendable, Codable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

extension Boxed: Equatable where Value: Equatable {
    static func == (lhs: Boxed, rhs: Boxed) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }
}
