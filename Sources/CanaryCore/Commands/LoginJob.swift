import Foundation

/// `canary login PATH --probe NAME`: the OAuth2 device authorization grant (RFC 8628) for
/// a probe whose `auth.oauth2` has a `device_authorization_url`. A person signs in once,
/// with MFA, in a browser; canary keeps the refresh token in `refresh_token_file` and
/// refreshes from then on.
public struct LoginJob: Sendable {
    public var paths: [String]
    public var probe: String
    public var console: Console
    /// How long to wait for the person, at most (the server's `expires_in` may be shorter).
    public var timeout = Duration.seconds(900)

    public init(paths: [String], probe: String, console: Console) {
        self.paths = paths
        self.probe = probe
        self.console = console
    }

    /// Why a login did not end with a stored token.
    public struct Failure: RunFailure {
        public var description: String
    }

    /// Signs in and stores the refresh token.
    /// - Throws: ``Failure`` saying why not (probe files that do not load, a probe without
    ///   device settings, a refused or expired sign-in); ``ClientUnavailable``.
    public func run(stop: StopSwitch) async throws -> Int32 {
        let probeSet: ProbeSet
        do {
            probeSet = try ProbeLoader().load(paths: paths)
        } catch {
            console.problems(error)
            return Severity.unknown.exitCode
        }
        guard let spec = probeSet.probes.first(where: { $0.name == probe }) else {
            throw Failure(description: "--probe \(probe): no probe has that name")
        }
        guard let settings = spec.auth.oauth2, let request = settings.deviceAuthorizationStep(),
            let path = settings.refreshTokenFile
        else {
            throw Failure(
                description: "probe \(probe) needs auth.oauth2 with device_authorization_url and refresh_token_file")
        }
        let redactor = probeSet.redactor
        // Before a person signs in: a token that could not be stored would waste the sign-in.
        try await checkWritable(path)
        let engine = try Engine.starting()
        defer { engine.shutdown() }
        let answer = await engine.perform(request, timeout: .seconds(30))
        guard (200..<300).contains(answer.status), let device = DeviceAuthorization(body: answer.body) else {
            throw Failure(description: "device authorization failed: \(Self.describe(answer, redactor))")
        }
        _ = console.write(
            // The server's words, shown escaped: an escape sequence in them would drive the terminal.
            "To sign in, open \(device.verificationURI.escapingControlCharacters) and enter the code "
                + "\(device.userCode.escapingControlCharacters)\n"
                + "(as the canary account, with its MFA); waiting up to \(Units.format(.seconds(device.expiresIn)))...\n"
        )
        var interval = Duration.seconds(max(1, device.interval))
        let end = ContinuousClock.now + min(timeout, .seconds(device.expiresIn))
        while ContinuousClock.now < end {
            try? await Task.sleep(for: interval)
            if stop.cause != nil { throw Failure(description: "stopped before the sign-in completed") }
            let poll = await engine.perform(
                settings.deviceTokenStep(deviceCode: device.deviceCode), timeout: .seconds(30))
            if (200..<300).contains(poll.status), let tokens = TokenResponse(body: poll.body) {
                guard let refresh = tokens.refreshToken else {
                    throw Failure(description: "the sign-in gave no refresh token (is offline_access allowed?)")
                }
                try await store(refresh, at: path)
                _ = console.write("signed in; the refresh token is stored in \(path) (mode 0600)\n")
                return 0
            }
            switch Classifier.authErrorCode(poll.body)?.split(separator: ",").first.map(String.init) {
            case "authorization_pending": continue
            case "slow_down": interval = min(interval + .seconds(5), .seconds(60))
            default: throw Failure(description: "the sign-in failed: \(Self.describe(poll, redactor))")
            }
        }
        throw Failure(description: "the sign-in was not completed in time; run 'canary login' again")
    }

    /// Fails early when the token file could not be written: its folder must be writable
    /// (the file is replaced by a rename) and its lock must open.
    private func checkWritable(_ path: String) async throws(Failure) {
        let folder = (path as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw Failure(
                description: "cannot write \(path): \(String(cString: strerror(errno))) (its folder must be writable)")
        }
        let file = RefreshTokenFile(path: path)
        do {
            file.unlock(try await file.lock(timeout: .seconds(30)))
        } catch {
            throw Failure(description: error.description)
        }
    }

    /// Writes the token under the file's lock, as a refreshing run would.
    private func store(_ token: String, at path: String) async throws(Failure) {
        let file = RefreshTokenFile(path: path)
        do {
            let lock = try await file.lock(timeout: .seconds(30))
            defer { file.unlock(lock) }
            try file.write(token)
        } catch {
            throw Failure(description: error.description)
        }
    }

    private static func describe(_ response: ObservedResponse, _ redactor: Redactor) -> String {
        if let failure = response.failure { return redactor.redact(failure.description) }
        let code = Classifier.authErrorCode(response.body).map { " (\($0))" } ?? ""
        return "HTTP \(response.status)\(code)"
    }
}
