import CanarySimulator
import CanaryTestSupport
import Foundation
import Testing

/// Outputs that cannot be written, or are not regular files: nothing crashes, nothing
/// that is not a regular file is replaced by one, and the other outputs are still written.
@Suite("Output safety", .serialized)
struct OutputSafetyTests {
    /// Runs `canary ARGUMENTS` under `sh -c SCRIPT`, where the script says `"$@"` for the
    /// canary command line (so redirections and traps can wrap it).
    func shell(_ script: String, _ arguments: [String]) async throws -> CanaryBinary.Output {
        try await ChildProcess.run(
            "/bin/sh", ["-c", script, "sh", CanaryBinary.path] + arguments, environment: ["NO_COLOR": "1"])
    }

    func probes(_ server: SimulatorServer, in folder: String) throws -> String {
        try Fixtures.write(
            "defaults: {attempts: 1, timeout: 2s}\nprobes:\n"
                + Fixtures.probeEntries(["a", "b"], url: server.baseURL + "/ok"),
            to: "p.yaml", in: folder)
    }

    @Test(
        "a closed stdout, a full stdout and a full stderr: no crash, every file written, exit 3 where the report was lost"
    )
    func failedTerminalWrites() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probes(server, in: folder)
            for (index, redirect) in [">&-", ">/dev/full"].enumerated() {
                let files = [
                    "--textfile", "\(folder)/t\(index).prom", "--junit", "\(folder)/j\(index).xml",
                    "--state", "\(folder)/s\(index).json",
                ]
                let output = try await shell("\"$@\" \(redirect)", ["run", file] + files)
                #expect(output.status == 3, "\(redirect): \(output.stderr)")
                #expect(output.stderr.contains("canary: cannot write to stdout"), "\(redirect): \(output.stderr)")
                #expect(!output.stderr.contains("Fatal error"))
                for path in [files[1], files[3], files[5]] {
                    #expect(FileManager.default.fileExists(atPath: path), "\(redirect): \(path)")
                }
                #expect(try String(contentsOfFile: files[1], encoding: .utf8).contains("probe_success{probe=\"a\"} 1"))
            }
            // A corrupt state's warning goes to a full stderr: the run goes on and records.
            try "{garbage".write(toFile: "\(folder)/corrupt.json", atomically: true, encoding: .utf8)
            let quiet = try await shell(
                "\"$@\" 2>/dev/full",
                ["run", file, "--state", "\(folder)/corrupt.json", "--textfile", "\(folder)/c.prom"])
            #expect(quiet.status == 0)
            #expect(quiet.stdout.contains("2 probes run"))
            #expect(FileManager.default.fileExists(atPath: "\(folder)/c.prom"))
            // SIGPIPE left at its default: `| head` closing the pipe loses no file either.
            let piped = try await shell(
                "\"$@\" | head -c 1 >/dev/null; sleep 0.2", ["run", file, "--textfile", "\(folder)/piped.prom"])
            #expect(piped.status == 0)
            #expect(FileManager.default.fileExists(atPath: "\(folder)/piped.prom"))
        }
    }

    @Test("watch with SIGPIPE ignored (systemd's default) piped into head -1 keeps writing its textfile")
    func watchIntoHead() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probes(server, in: folder)
            // 6 s: an attempt (timeout 2s) starts only where it can end within the deadline,
            // and a loaded machine may take a second or more to start canary.
            let output = try await shell(
                "trap '' PIPE; \"$@\" | head -1 >/dev/null",
                ["watch", file, "--textfile", "\(folder)/w.prom", "--deadline", "6s", "--format", "json"])
            #expect(!output.stderr.contains("Fatal error"), "\(output.stderr)")
            let text = try String(contentsOfFile: "\(folder)/w.prom", encoding: .utf8)
            #expect(text.contains("probe_success{probe=\"b\"} 1"))
        }
    }

    @Test("character devices and FIFOs are written in place, a folder is an error, a symlink is replaced as a link")
    func specialFiles() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probes(server, in: folder)
            // A private null device: never the real /dev.
            // Device 1:3 is the null device; glibc packs a major under 4096 and a minor under
            // 256 as major << 8 | minor.
            #expect(mknod("\(folder)/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0, "mknod needs root")
            #expect(mkfifo("\(folder)/fifo", 0o600) == 0)
            let reader = FIFOReader(path: "\(folder)/fifo")
            try FileManager.default.createDirectory(atPath: "\(folder)/dir", withIntermediateDirectories: false)
            try "target\n".write(toFile: "\(folder)/target", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(
                atPath: "\(folder)/link", withDestinationPath: "\(folder)/target")
            let output = try await CanaryBinary.run([
                "run", file, "--output", "\(folder)/null", "--junit", "\(folder)/fifo", "--textfile", "\(folder)/link",
            ])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(fileType("\(folder)/null") == S_IFCHR)
            #expect(fileType("\(folder)/fifo") == S_IFIFO)
            #expect(reader.text().contains("<testsuites"))
            #expect(fileType("\(folder)/link") == S_IFREG)
            #expect(try String(contentsOfFile: "\(folder)/target", encoding: .utf8) == "target\n")
            // A link to a device (as /dev/stderr is, to /proc/self/fd/2) is written through.
            try FileManager.default.createSymbolicLink(
                atPath: "\(folder)/stderr", withDestinationPath: "\(folder)/null")
            let throughLink = try await CanaryBinary.run(["run", file, "--junit", "\(folder)/stderr"])
            #expect(throughLink.status == 0, "\(throughLink.stderr)")
            #expect(fileType("\(folder)/stderr") == S_IFLNK)
            #expect(fileType("\(folder)/null") == S_IFCHR)
            // A link to this process's own descriptor (as /dev/stdout is, to /proc/self/fd/1)
            // writes to that descriptor, here a regular file the shell opened; the link stays.
            try FileManager.default.createSymbolicLink(
                atPath: "\(folder)/stdout", withDestinationPath: "/proc/self/fd/1")
            let viaDescriptor = try await shell(
                "\"$@\" > '\(folder)/captured.txt'",
                ["run", file, "--output", "\(folder)/stdout", "--format", "json"])
            #expect(viaDescriptor.status == 0, "\(viaDescriptor.stderr)")
            #expect(fileType("\(folder)/stdout") == S_IFLNK)
            let captured = try String(contentsOfFile: "\(folder)/captured.txt", encoding: .utf8)
            #expect(captured.split(separator: "\n").count == 2, "\(captured)")
            let refused = try await CanaryBinary.run(["run", file, "--output", "\(folder)/dir"])
            #expect(refused.status == 3)
            #expect(
                refused.stderr.contains("--output: cannot write \(folder)/dir: it is a folder"), "\(refused.stderr)")
            #expect(fileType("\(folder)/dir") == S_IFDIR)
        }
    }

    @Test("a rewritten output keeps its mode; a new state file is 0600; an empty state file is a fresh state")
    func modes() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try probes(server, in: folder)
            for name in ["t.prom", "kept.json"] {
                _ = FileManager.default.createFile(atPath: "\(folder)/\(name)", contents: Data())
                chmod("\(folder)/\(name)", 0o640)
            }
            let output = try await CanaryBinary.run([
                "run", file, "--textfile", "\(folder)/t.prom", "--state", "\(folder)/new.json",
            ])
            #expect(output.status == 0)
            #expect(permissions("\(folder)/t.prom") == 0o640)
            #expect(permissions("\(folder)/new.json") == 0o600)
            let empty = try await CanaryBinary.run(["run", file, "--state", "\(folder)/kept.json"])
            #expect(empty.status == 0)
            #expect(!empty.stderr.contains("unusable"), "\(empty.stderr)")
            #expect(permissions("\(folder)/kept.json") == 0o640)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(!names.contains { $0.contains("corrupt") })
        }
    }

    @Test("a FIFO whose reader never reads holds canary neither past --deadline nor past a SIGTERM")
    func stalledReader() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            // Enough probes that the textfile overfills the FIFO's 64 KiB buffer.
            let file = try Fixtures.write(
                "defaults: {attempts: 1, timeout: 1s}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("p", 300), url: server.baseURL + "/ok"),
                to: "p.yaml", in: folder)
            #expect(mkfifo("\(folder)/fifo", 0o600) == 0)
            // A reader that opens the FIFO and never reads from it.
            let reader = open("\(folder)/fifo", O_RDONLY | O_NONBLOCK)
            defer { close(reader) }
            let bounded = try await CanaryBinary.run(
                ["run", file, "--textfile", "\(folder)/fifo", "--deadline", "2s"], timeout: 30)
            #expect(bounded.status == 3)
            #expect(bounded.seconds < 6, "\(bounded.seconds)")
            #expect(bounded.stderr.contains("--textfile: cannot write \(folder)/fifo: the reader stopped reading"))
            let stopped = try CanaryBinary.start(["run", file, "--textfile", "\(folder)/fifo"])
            defer { stopped.stop() }
            try await Task.sleep(for: .seconds(2))
            let sent = ContinuousClock.now
            await stopped.send(SIGTERM)
            let status = await stopped.waitForExit(timeout: .seconds(20))
            #expect(status == 3)
            #expect(ContinuousClock.now - sent < .seconds(5))
        }
    }

    @Test("watch whose stdout stalls still stops on SIGTERM, in about a second")
    func watchStalledStdout() async throws {
        try await withSimulator { server in
            let folder = try Fixtures.temporaryFolder()
            let file = try Fixtures.write(
                "defaults: {attempts: 1, timeout: 1s, interval: 1s}\nprobes:\n"
                    + Fixtures.probeEntries(Fixtures.names("p", 300), url: server.baseURL + "/ok"),
                to: "p.yaml", in: folder)
            #expect(mkfifo("\(folder)/fifo", 0o600) == 0)
            let reader = open("\(folder)/fifo", O_RDONLY | O_NONBLOCK)
            defer { close(reader) }
            let watch = try ChildProcess.Background(
                "/bin/sh",
                ["-c", "exec \"$0\" watch \"$1\" --format json > \"$2\"", CanaryBinary.path, file, "\(folder)/fifo"])
            watch.drainOutput()
            defer { watch.stop() }
            // Long enough for 300 JSON lines to fill the FIFO's 64 KiB.
            try await Task.sleep(for: .seconds(4))
            let sent = ContinuousClock.now
            await watch.send(SIGTERM)
            let status = await watch.waitForExit(timeout: .seconds(20))
            #expect(status == 3)
            #expect(ContinuousClock.now - sent < .seconds(5), "\(ContinuousClock.now - sent)")
        }
    }

    @Test("--version into a closed stdout is exit 3, not a silent 0")
    func versionIntoClosedStdout() async throws {
        let output = try await shell("\"$@\" >&-", ["--version"])
        #expect(output.status == 3)
        #expect(output.stderr.contains("cannot write to stdout"))
    }

    func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    func permissions(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }
}

/// Reads a FIFO on a thread of its own until the writer closes it.
final class FIFOReader: @unchecked Sendable {
    // @unchecked: `data` is written by the thread before `done` is signalled, read after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        // Opened now, without waiting, so that the writer finds a reader.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        Thread { [self] in
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            var buffer = [UInt8](repeating: 0, count: 65536)
            var sawWriter = false
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    sawWriter = true
                    data.append(contentsOf: buffer[..<count])
                } else if count == 0 && sawWriter {
                    break
                } else {
                    usleep(10_000)
                }
            }
            close(fd)
            done.signal()
        }.start()
    }

    func text() -> String {
        _ = done.wait(timeout: .now() + 10)
        return String(decoding: data, as: UTF8.self)
    }
}
