import ArgumentParser
import CanaryCore
import Foundation
import Synchronization

/// One line per result for `watch`'s text output.
enum WatchLine {
    static func text(_ result: ProbeResult) -> String {
        let alerting = result.alerting ? " ALERTING" : ""
        return "\(Timestamp.iso8601(result.startedAt)) \(result.probe) \(result.probeClass.rawValue) "
            + "\(result.severity.label)\(alerting): \(result.message)\n"
    }
}
