import Foundation

/// The probes loaded from a set of files, with what is needed to keep their secrets out of output.
public struct ProbeSet: Sendable {
    public var probes: [ProbeSpec]
    /// The probe files read, in order.
    public var files: [String]
    public var redactor: Redactor
    /// Things worth a line on stderr that do not stop loading (probe files in subfolders,
    /// which are not read).
    public var warnings: [String] = []
    /// The vendors the files declare (`vendors:`).
    public var vendors: [VendorSource] = []

    public init(probes: [ProbeSpec], files: [String], redactor: Redactor) {
        self.probes = probes
        self.files = files
        self.redactor = redactor
    }
}
