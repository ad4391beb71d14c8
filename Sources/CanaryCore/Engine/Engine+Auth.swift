import Foundation

extension Engine {
    /// The `Authorization` value a probe's steps send (`auth:`), and the secrets it holds;
    /// a bearer token comes from the cache or the token endpoint.
    /// - Returns: The value, or the failed attempt (step `auth`) when no token was had.
    func authorization(
        _ spec: ProbeSpec, timeout: Duration, context: inout AttemptContext
    ) async -> Result<String?, AttemptFailure> {
        if let basic = spec.auth.basic {
            return .success(basic.headerValue)
        }
        guard let settings = spec.auth.oauth2 else { return .success(nil) }
        // A rotated refresh token that could not be written is the only live one: it must
        // reach its file before anything else, or the next run sends a spent one.
        if let path = settings.refreshTokenFile, let unwritten = tokens.unwrittenRefreshToken(for: path) {
            context.set("auth#unwritten", to: unwritten, secret: true)
            if let failure = await writeUnwritten(unwritten, to: path, timeout: timeout) {
                return .failure(failure)
            }
        }
        if let token = tokens.token(for: spec.name, settings: settings) {
            context.set("auth#token", to: token, secret: true)
            return .success("Bearer " + token)
        }
        switch await fetchToken(spec.name, settings, timeout: timeout, context: &context) {
        case .success(let token): return .success("Bearer " + token)
        case .failure(let failure): return .failure(failure)
        }
    }

    /// A failed token request, as the attempt's result.
    struct AttemptFailure: Error {
        var result: AttemptResult
    }

    func fetchToken(
        _ probe: String, _ settings: Credentials.OAuth2, timeout: Duration, context: inout AttemptContext
    ) async -> Result<String, AttemptFailure> {
        let startedAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        var file: (store: RefreshTokenFile, lock: Int32)?
        var refreshToken: String?
        if settings.grant == .refreshToken, let path = settings.refreshTokenFile {
            let store = RefreshTokenFile(path: path)
            do {
                let lock = try await store.lock(timeout: timeout)
                file = (store, lock)
                if let unwritten = tokens.unwrittenRefreshToken(for: path) {
                    refreshToken = unwritten
                } else {
                    refreshToken = try store.read()
                    try store.checkWritable()
                }
                context.set("auth#refresh", to: refreshToken ?? "", secret: true)
            } catch {
                if let file { file.store.unlock(file.lock) }
                return .failure(Self.authFailure(.notRun, "refresh_token_file: \(error.description)", at: startedAt))
            }
        }
        defer { if let file { file.store.unlock(file.lock) } }
        let step = settings.tokenStep(refreshToken: refreshToken)
        let left = max(timeout - (clock.now - start), .milliseconds(1))
        let response = ObservedResponse(await client.perform(step.request(timeout: left, context: context)))
        var result = Classifier.classify(response, step: step, startedAt: startedAt, redactor: context.redactor)
        result.step = "auth"
        guard result.severity == .ok || result.probeClass == .slow else {
            if response.status >= 400, let code = Classifier.authErrorCode(response.body),
                TokenResponse.refusals.contains(where: { code.hasPrefix($0) }) || code.contains("AADSTS")
            {
                result.probeClass = .authFailure
                result.severity = ProbeClass.authFailure.defaultSeverity
                result.message = "token endpoint refused the credentials: HTTP \(response.status) (\(code))"
                if settings.grant == .refreshToken, code.hasPrefix("invalid_grant") {
                    result.message += "; run 'canary login' again for a new refresh token"
                }
            }
            return .failure(AttemptFailure(result: Self.tokenStepMessage(result)))
        }
        guard let answer = TokenResponse(body: response.body) else {
            result.probeClass = .contentMismatch
            result.severity = ProbeClass.contentMismatch.defaultSeverity
            result.message = "token endpoint answered HTTP \(response.status) without a usable access_token"
            return .failure(AttemptFailure(result: Self.tokenStepMessage(result)))
        }
        context.set("auth#token", to: answer.accessToken, secret: true)
        tokens.keep(answer.accessToken, for: probe, settings: settings, lifetime: answer.expiresIn)
        if let rotated = answer.refreshToken {
            context.set("auth#rotated", to: rotated, secret: true)
            if let file {
                do {
                    try file.store.write(rotated)
                    tokens.setUnwrittenRefreshToken(nil, for: file.store.path)
                } catch {
                    // Kept in memory: never refreshed with the spent one again in this process.
                    tokens.setUnwrittenRefreshToken(rotated, for: file.store.path)
                    return .failure(Self.unwrittenFailure(error.description, at: startedAt))
                }
            }
        }
        return .success(answer.accessToken)
    }

    /// The token request's result as the attempt's: named step `auth`, listed as the one
    /// step that ran.
    private static func tokenStepMessage(_ result: AttemptResult) -> AttemptResult {
        var result = result
        result.steps = [result]
        result.message = "step auth: " + result.message
        return result
    }

    /// Writes the refresh token a refresh could not write; `nil` once it is written.
    private func writeUnwritten(_ token: String, to path: String, timeout: Duration) async -> AttemptFailure? {
        let store = RefreshTokenFile(path: path)
        do {
            let lock = try await store.lock(timeout: timeout)
            defer { store.unlock(lock) }
            try store.write(token)
            tokens.setUnwrittenRefreshToken(nil, for: path)
            return nil
        } catch {
            return Self.unwrittenFailure(error.description, at: Date())
        }
    }

    private static func unwrittenFailure(_ reason: String, at date: Date) -> AttemptFailure {
        authFailure(
            .notRun,
            "\(reason); the new token is kept in memory only, so fix the file before canary exits, "
                + "or run 'canary login' afterwards", at: date)
    }

    private static func authFailure(_ probeClass: ProbeClass, _ message: String, at date: Date) -> AttemptFailure {
        var result = AttemptResult(
            probeClass: probeClass, severity: probeClass.defaultSeverity, message: message, startedAt: date)
        result.step = "auth"
        return AttemptFailure(result: tokenStepMessage(result))
    }
}

extension Engine {
    /// One step's request on its own, outside any attempt (`canary login`).
    /// - Parameters:
    ///   - step: The request.
    ///   - timeout: Bound on the whole transfer.
    /// - Returns: What came back, or why nothing did.
    public func perform(_ step: Step, timeout: Duration) async -> ObservedResponse {
        ObservedResponse(
            await client.perform(step.request(timeout: timeout, context: AttemptContext(redactor: .none))))
    }
}
