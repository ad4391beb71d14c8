import Foundation

extension Credentials.OAuth2 {
    /// The token endpoint's request for this grant, as a step of its own (`auth`): a form
    /// POST, never redirected, its body and client credentials bound to its origin.
    /// - Parameter refreshToken: The current refresh token, for the `refresh_token` grant.
    /// - Returns: The token request, named `auth`.
    func tokenStep(refreshToken: String?) -> Step {
        var step = Step(url: tokenURL)
        step.name = "auth"
        step.method = "POST"
        step.followRedirects = false
        step.maxBodyBytes = 1 << 20
        var form: [(name: String, value: String)] = [("grant_type", grant.rawValue)]
        switch grant {
        case .clientCredentials: break
        case .password: form += [("username", username ?? ""), ("password", password ?? "")]
        case .refreshToken: form.append(("refresh_token", refreshToken ?? ""))
        }
        if let scope { form.append(("scope", scope)) }
        switch clientAuthentication {
        case .body:
            form.append(("client_id", clientID))
            if let clientSecret { form.append(("client_secret", clientSecret)) }
        case .basic:
            let header = Credentials.basicHeader(Self.formEncoded(clientID), Self.formEncoded(clientSecret ?? ""))
            step.headers.append(("Authorization", header))
            step.secretHeaders.insert("authorization")
        }
        step.form = form
        step.secretBody = true
        step.headers.append(("Accept", "application/json"))
        return step
    }

    /// RFC 6749 section 2.3.1: the client id and secret are form-encoded before Basic.
    private static func formEncoded(_ text: String) -> String {
        Step.formEncoded(text)
    }
}

extension Credentials.OAuth2 {
    /// The scope a device sign-in asks for: the probe's, with `offline_access` so that the
    /// answer carries a refresh token.
    var deviceScope: String {
        let scopes = (scope ?? "").split(separator: " ").map(String.init)
        return (scopes.contains("offline_access") ? scopes : scopes + ["offline_access"]).joined(separator: " ")
    }

    /// The device authorization request (RFC 8628 section 3.1).
    /// - Returns: The request, `nil` without a `device_authorization_url`.
    func deviceAuthorizationStep() -> Step? {
        guard let deviceAuthorizationURL else { return nil }
        var step = Step(url: deviceAuthorizationURL)
        step.name = "device"
        step.method = "POST"
        step.followRedirects = false
        step.form = [("client_id", clientID), ("scope", deviceScope)]
        step.headers.append(("Accept", "application/json"))
        return step
    }

    /// The token request that polls for a device sign-in (RFC 8628 section 3.4).
    /// - Parameter deviceCode: The device code the authorization request gave.
    /// - Returns: The request.
    func deviceTokenStep(deviceCode: String) -> Step {
        var step = tokenStep(refreshToken: nil)
        step.form =
            [
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode),
                ("client_id", clientID),
            ] + (clientSecret.map { [("client_secret", $0)] } ?? [])
        step.headers.removeAll { $0.name == "Authorization" }
        return step
    }
}
