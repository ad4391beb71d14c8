import CCurl
import Foundation
import Synchronization

/// Runs many transfers at once on one libcurl multi handle, driven by one dedicated
/// thread, and hands each result back to async code.
///
/// The blocking `curl_multi_poll` never sits on Swift's cooperative pool: callers
/// suspend on a continuation that the driver thread resumes when their transfer ends.
public final class CurlClient: @unchecked Sendable {
    // @unchecked: `multi` is touched only by the driver thread, except for
    // `curl_multi_wakeup`, which libcurl documents as safe from any thread; all other
    // shared state sits behind `shared`.

    private struct Submission {
        let id: UInt64
        let easy: EasyHandle
        let continuation: CheckedContinuation<CurlResponse, Never>
    }

    private struct Shared {
        var nextID: UInt64 = 0
        var submissions: [Submission] = []
        var cancellations: Set<UInt64> = []
        var stopping = false
    }

    private struct Active {
        let id: UInt64
        let easy: EasyHandle
        let continuation: CheckedContinuation<CurlResponse, Never>
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    /// Starts libcurl's global initialisation (OpenSSL's above all, about 0.7 ms) on a
    /// thread of its own, so that a command can parse its arguments and load its probes
    /// meanwhile; the first ``init()`` waits for it to end. Only where libcurl's global
    /// initialisation is thread-safe (its `threadsafe` feature, 7.84 and later), so that
    /// other libcurl calls may run alongside; elsewhere ``init()`` does it as before.
    public static func initializeInBackground() {
        guard let info = curl_version_info(CURLVERSION_TENTH),
            info.pointee.features & CURL_VERSION_THREADSAFE != 0
        else { return }
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { _ in
                _ = CurlClient.globalInit
                return nil
            }, nil)
        if started == 0 { pthread_detach(thread) }
    }

    private let multi: UnsafeMutableRawPointer
    private let shared = Mutex(Shared())
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts the driver thread.
    /// - Throws: ``CurlError`` when libcurl cannot make its multi handle (out of memory, or
    ///   of file descriptors for its wake-up socket pair).
    public init() throws(CurlError) {
        _ = Self.globalInit
        guard let multi = curl_multi_init() else {
            throw CurlError(
                code: Int(CURLE_OUT_OF_MEMORY.rawValue),
                message: "libcurl cannot start (curl_multi_init failed: out of memory or of open files)")
        }
        self.multi = multi
        let thread = Thread { [self] in self.drive() }
        thread.name = "canary-curl"
        thread.start()
    }

    /// Stops the driver thread; transfers still running end as cancelled.
    public func shutdown() {
        let alreadyStopping = shared.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !alreadyStopping else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
    }

    /// Performs one transfer.
    ///
    /// Never throws: a transfer that fails returns a response whose `error` says why,
    /// with whatever was measured before the failure. Cancelling the task aborts the
    /// transfer.
    public func perform(_ request: CurlRequest) async -> CurlResponse {
        let easy: EasyHandle
        do {
            easy = try EasyHandle(request: request)
        } catch {
            return CurlResponse(error: error, effectiveURL: request.url)
        }
        let id = shared.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let accepted = shared.withLock { state in
                    guard !state.stopping else { return false }
                    state.submissions.append(Submission(id: id, easy: easy, continuation: continuation))
                    return true
                }
                if accepted {
                    curl_multi_wakeup(multi)
                } else {
                    easy.cleanup()
                    continuation.resume(returning: CurlResponse(error: Self.cancelledError, effectiveURL: request.url))
                }
            }
        } onCancel: {
            shared.withLock { _ = $0.cancellations.insert(id) }
            curl_multi_wakeup(multi)
        }
    }

    private static let cancelledError = CurlError(
        code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "transfer cancelled")

    // MARK: The driver thread

    private func drive() {
        var active: [UnsafeMutableRawPointer: Active] = [:]
        while true {
            let (submissions, cancellations, stopping) = shared.withLock { state in
                defer {
                    state.submissions.removeAll()
                    state.cancellations.removeAll()
                }
                return (state.submissions, state.cancellations, state.stopping)
            }
            for submission in submissions {
                add(submission, to: &active)
            }
            for (handle, transfer) in active where stopping || cancellations.contains(transfer.id) {
                finish(handle, result: CURLE_ABORTED_BY_CALLBACK, active: &active, cancelled: true)
            }
            if stopping { break }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            collectFinished(&active)
            var timeout = -1
            curl_multi_timeout(multi, &timeout)
            let wait = timeout < 0 ? 1000 : min(timeout, 1000)
            if wait > 0 {
                curl_multi_poll(multi, nil, 0, Int32(wait), nil)
            }
        }
        curl_multi_cleanup(multi)
        stopped.signal()
    }

    private func add(_ submission: Submission, to active: inout [UnsafeMutableRawPointer: Active]) {
        let easy = submission.easy
        let context = Unmanaged.passRetained(easy).toOpaque()
        do throws(CurlError) {
            try easy.installCallbacks(context: context)
            let code = curl_multi_add_handle(multi, easy.handle)
            guard code == CURLM_OK else {
                throw CurlError(
                    code: Int(CURLE_FAILED_INIT.rawValue), message: String(cString: curl_multi_strerror(code)))
            }
            active[easy.handle] = Active(id: submission.id, easy: easy, continuation: submission.continuation)
        } catch {
            Unmanaged<EasyHandle>.fromOpaque(context).release()
            easy.cleanup()
            submission.continuation.resume(returning: CurlResponse(error: error, effectiveURL: easy.request.url))
        }
    }

    private func collectFinished(_ active: inout [UnsafeMutableRawPointer: Active]) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard ccurl_msg_is_done(message) != 0, let handle = message.pointee.easy_handle else { continue }
            finish(handle, result: ccurl_msg_result(message), active: &active, cancelled: false)
        }
    }

    private func finish(
        _ handle: UnsafeMutableRawPointer, result: CURLcode, active: inout [UnsafeMutableRawPointer: Active],
        cancelled: Bool
    ) {
        guard let transfer = active.removeValue(forKey: handle) else { return }
        curl_multi_remove_handle(multi, handle)
        var failure: CurlError?
        if !cancelled {
            switch transfer.easy.nextHop(result: result) {
            case .follow:
                if curl_multi_add_handle(multi, handle) == CURLM_OK {
                    active[handle] = transfer
                    return
                }
                failure = CurlError(code: Int(CURLE_FAILED_INIT.rawValue), message: "cannot follow the redirect")
            case .fail(let error): failure = error
            case .done: break
            }
        }
        var response = transfer.easy.response(result: result)
        if let failure { response.error = failure }
        if cancelled { response.error = Self.cancelledError }
        transfer.easy.cleanup()
        Unmanaged.passUnretained(transfer.easy).release()
        transfer.continuation.resume(returning: response)
    }
}
