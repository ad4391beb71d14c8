import Foundation

/// Paths of the package and its test fixtures, and scratch folders for tests.
public enum Fixtures {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/NAME`.
    public static func path(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name).path
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryFolder(_ prefix: String = "canary-test") throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Probe-file entries (the lines under `probes:`), one per name, all on `url`.
    public static func probeEntries(_ names: [String], url: String) -> String {
        names.map { "  - name: \($0)\n    url: \(url)\n" }.joined()
    }

    /// `count` names: `prefix0`, `prefix1`, ...
    public static func names(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { "\(prefix)\($0)" }
    }

    /// Writes `text` to `folder/name` and returns the path.
    @discardableResult
    public static func write(_ text: String, to name: String, in folder: String) throws -> String {
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
