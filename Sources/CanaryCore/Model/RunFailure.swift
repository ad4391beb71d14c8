/// An error that ends a command while it runs, not a usage error: reported UNKNOWN,
/// without pointing at `--help`.
public protocol RunFailure: Error, CustomStringConvertible {}
