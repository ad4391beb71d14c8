import Synchronization

/// The heads of the last requests the simulator received, for tests that check what a
/// client sent (a header that must not reach this host, a cookie that must).
final class RequestLog: Sendable {
    private static let capacity = 1000
    private let heads = Mutex<[String]>([])

    func record(_ raw: [UInt8]) {
        heads.withLock { heads in
            if heads.count == Self.capacity { heads.removeFirst() }
            heads.append(String(decoding: raw, as: UTF8.self))
        }
    }

    var all: [String] { heads.withLock { $0 } }
}
