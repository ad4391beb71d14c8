import ArgumentParser
import CanaryCore
import Foundation

/// Report formats on stdout (or `--output`).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case nagios
    case junit
}
