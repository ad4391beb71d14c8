import ArgumentParser
import CanaryCore
import Foundation

/// `--fail-on`: the lowest severity that makes the exit code non-zero.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case warning
    case critical

    var severity: Severity { self == .warning ? .warning : .critical }
}
