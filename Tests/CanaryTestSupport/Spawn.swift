import Foundation
import Synchronization

/// Starts programs with `posix_spawn`, not Foundation's `Process`: `Process.run()` in
/// Swift 6.3.1's Foundation on Linux reads past a buffer while it lists `/proc/self/fd`
/// and crashes the test process now and then (swift-corelibs-foundation PR #5472; seen
/// here as a SIGSEGV in `Process.run()` during `make test`).
enum Spawn {
    /// Starts `path ARGUMENTS` with `environment`, its standard streams on the given
    /// descriptors (`nil`: `/dev/null`), every other descriptor closed, and signals at their
    /// defaults (the test process blocks or ignores some).
    /// - Returns: The child's pid.
    /// - Throws: When it cannot be started.
    static func start(
        _ path: String, _ arguments: [String], environment: [String: String], stdin: Int32?, stdout: Int32?,
        stderr: Int32?
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (source, target) in [(stdin, Int32(0)), (stdout, 1), (stderr, 2)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        closeFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard code == 0 else { throw TestSupportError("cannot start \(path): \(String(cString: strerror(code)))") }
        return pid
    }

    /// Closes descriptors from `lowest` up in the child (glibc 2.34's
    /// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module leaves out).
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        _ = addCloseFrom(&actions, lowest)
    }

    /// A pipe (children started later close both ends: every descriptor past the standard
    /// streams is closed in them).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard Foundation.pipe(&ends) == 0 else { throw TestSupportError("pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// Waits for `pid` on a thread of its own and hands over its exit status (the signal's
    /// number when a signal ended it, as `Process.terminationStatus` was).
    static func reap(_ pid: pid_t, _ done: @escaping @Sendable (Int32) -> Void) {
        Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            let signal = status & 0x7f
            done(signal == 0 ? (status >> 8) & 0xff : signal)
        }.start()
    }

    /// Reads `fd` to its end on a thread of its own, then closes it.
    static func readAll(_ fd: Int32, _ done: @escaping @Sendable (Data) -> Void) {
        Thread {
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            close(fd)
            done(data)
        }.start()
    }
}

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
