import Dispatch
import Foundation

/// Keeps the signal sources alive as long as the stream.
final class SourceBox: @unchecked Sendable {
    // @unchecked: the sources are only cancelled, once, from the stream's termination.
    private let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
