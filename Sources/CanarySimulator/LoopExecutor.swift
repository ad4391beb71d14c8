import NIOCore

/// Runs the simulator's request handling on its own event loop rather than on Swift's
/// cooperative pool.
///
/// The pool has one thread per core (two here). A test process that blocks one of them
/// (a `waitpid`, an `flock`) would otherwise slow the server it is probing and turn a
/// healthy reply into a timeout; the simulator must answer on time whatever its host does.
final class LoopExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
