import Foundation

/// Loads probe files (DESIGN.md section 3), strictly: any problem in any file is
/// reported with its `file:line:column`, all at once, and nothing is loaded.
public struct ProbeLoader: Sendable {
    /// The largest probe file accepted; a larger one is almost surely not a probe file.
    public static let maxFileBytes = 4 << 20

    public var environment: Environment

    public init(environment: Environment = .process) {
        self.environment = environment
    }

    /// Loads every probe in `paths`: files, or folders whose `*.yaml`/`*.yml` are loaded.
    /// - Throws: ``ProbeLoadError`` with every problem found.
    public func load(paths: [String]) throws(ProbeLoadError) -> ProbeSet {
        var errors: [ProbeFileError] = []
        var warnings: [String] = []
        let files = probeFiles(in: paths, errors: &errors, warnings: &warnings)
        var probes: [ProbeSpec] = []
        var secrets: [String] = []
        var vendors: [VendorSource] = []
        var firstDefinition: [String: ProbeFileError] = [:]
        for file in files {
            guard let text = readText(file, errors: &errors) else { continue }
            let known = Set(vendors.map(\.name))
            let parsed = ProbeFileParser(file: file, environment: environment, knownVendors: known).parse(text)
            errors += parsed.errors
            secrets += parsed.secrets
            for vendor in parsed.vendors where known.contains(vendor.name) {
                let first = vendors.first { $0.name == vendor.name }?.place
                errors.append(
                    ProbeFileError(
                        file: file, line: vendor.place?.line ?? 0, column: vendor.place?.column ?? 0,
                        message: "vendors.name: '\(vendor.name)' is already declared"
                            + (first.map { " at \($0.file):\($0.line):\($0.column)" } ?? "")))
            }
            vendors += parsed.vendors
            for (probe, place) in parsed.probes {
                if let first = firstDefinition[probe.name] {
                    errors.append(
                        ProbeFileError(
                            file: file, line: place.line, column: place.column,
                            message: "name: duplicate probe name '\(probe.name)' (first defined at "
                                + "\(first.file):\(first.line):\(first.column))"))
                } else {
                    firstDefinition[probe.name] = place
                    probes.append(probe)
                }
            }
        }
        if files.isEmpty && errors.isEmpty {
            errors.append(
                ProbeFileError(
                    file: paths.joined(separator: " "), line: 0, column: 0,
                    message: "no probe files (*.yaml, *.yml) found"))
        }
        guard errors.isEmpty else { throw ProbeLoadError(errors: errors) }
        var probeSet = ProbeSet(probes: probes, files: files, redactor: Redactor(secrets: secrets))
        probeSet.warnings = warnings
        probeSet.vendors = vendors
        return probeSet
    }

    /// Loads probes from `text`, as if read from a file named `file` (embedded probe sets).
    /// - Throws: ``ProbeLoadError`` with every problem found.
    public func load(text: String, file: String) throws(ProbeLoadError) -> ProbeSet {
        let parsed = ProbeFileParser(file: file, environment: environment).parse(text)
        var errors = parsed.errors
        var seen = Set<String>()
        for (probe, place) in parsed.probes where !seen.insert(probe.name).inserted {
            errors.append(
                ProbeFileError(
                    file: file, line: place.line, column: place.column,
                    message: "name: duplicate probe name '\(probe.name)'"))
        }
        guard errors.isEmpty else { throw ProbeLoadError(errors: errors) }
        var probeSet = ProbeSet(
            probes: parsed.probes.map(\.0), files: [file], redactor: Redactor(secrets: parsed.secrets))
        probeSet.vendors = parsed.vendors
        return probeSet
    }

    /// The probe files `paths` name: files as given, and a folder's `*.yaml`/`*.yml`,
    /// leaving out hidden names (`.#p.yaml` editor locks, `._p.yaml` macOS forks). Folders
    /// are read one level deep: a subfolder holding probe files is a warning, not loaded.
    /// A file named twice (`p/ ./p/p.yaml`, a symlink) is loaded once.
    private func probeFiles(
        in paths: [String], errors: inout [ProbeFileError], warnings: inout [String]
    ) -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                errors.append(ProbeFileError(file: path, line: 0, column: 0, message: "no such file or folder"))
                continue
            }
            guard isFolder.boolValue else {
                files.append(path)
                continue
            }
            let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files += names.filter(Self.isProbeFileName).sorted().map { "\(folder)/\($0)" }
            let nested = names.filter { name in
                var isFolder: ObjCBool = false
                return !name.hasPrefix(".")
                    && FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isFolder)
                    && isFolder.boolValue
                    && ((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(name)")) ?? [])
                        .contains(where: Self.isProbeFileName)
            }.sorted()
            if let first = nested.first {
                warnings.append(
                    "\(folder)/\(first)/\(nested.count > 1 ? " and \(nested.count - 1) more subfolders" : "") "
                        + "hold probe files that are not loaded: a folder is read one level deep (name the subfolder "
                        + "to load it)")
            }
        }
        var seen = Set<String>()
        return files.filter { seen.insert(Self.identity(of: $0)).inserted }
    }

    private static func isProbeFileName(_ name: String) -> Bool {
        !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    /// The file behind `path`, symlinks and `./` resolved, for telling one file named
    /// twice from two files.
    private static func identity(of path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func readText(_ file: String, errors: inout [ProbeFileError]) -> String? {
        let data: Data
        do {
            data = try RegularFile.read(file, limit: Self.maxFileBytes)
        } catch .tooLarge(let size) {
            errors.append(
                ProbeFileError(
                    file: file, line: 1, column: 1,
                    message: "file is \(size) bytes, over the \(Self.maxFileBytes)-byte limit for probe files"))
            return nil
        } catch .notRegular {
            errors.append(ProbeFileError(file: file, line: 0, column: 0, message: "not a regular file"))
            return nil
        } catch {
            errors.append(ProbeFileError(file: file, line: 0, column: 0, message: "cannot read the file"))
            return nil
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8Offset(bytes)
            let line = bytes[..<offset].count { $0 == 0x0A } + 1
            let column = offset - (bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            errors.append(
                ProbeFileError(file: file, line: line, column: column, message: "file is not valid UTF-8 text"))
            return nil
        }
        if text.contains("\0") {
            errors.append(
                ProbeFileError(file: file, line: 1, column: 1, message: "file contains NUL bytes; not a text file"))
            return nil
        }
        return text
    }

    /// The byte offset of the first invalid sequence: the decoded text up to the first
    /// replacement character was valid, so its UTF-8 length is that offset.
    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard let bad = decoded.firstIndex(of: "\u{FFFD}") else { return 0 }
        return decoded[..<bad].utf8.count
    }
}
