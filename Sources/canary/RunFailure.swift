import ArgumentParser
import CanaryCore
import Foundation

/// An error that ends a command while it runs, not a usage error: reported UNKNOWN,
/// without pointing at `--help`.
protocol RunFailure: Error, CustomStringConvertible {}
