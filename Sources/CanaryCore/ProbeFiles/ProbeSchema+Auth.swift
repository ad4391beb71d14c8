import Yams

extension ProbeSchema {
    /// `auth:`: one of `oauth2` and `basic`.
    static let auth: [String: Field<Credentials>] = [
        "oauth2": { auth, node, reader in
            let settings = reader.record(
                node, "auth.oauth2", fields: oauth2, into: Credentials.OAuth2(tokenURL: "", clientID: ""))
            auth.oauth2 = reader.checked(settings, at: node)
        },
        "basic": { auth, node, reader in
            let basic = reader.record(node, "auth.basic", fields: basic, into: Credentials.Basic())
            for key in ["username", "password"] where !(reader.pairs(node)?.contains { $0.key == key } ?? false) {
                reader.error(at: node, "auth.basic: missing '\(key)'")
            }
            auth.basic = basic
        },
    ]

    /// `auth.oauth2`'s keys.
    static let oauth2: [String: Field<Credentials.OAuth2>] = [
        "token_url": { oauth2, node, reader in oauth2.tokenURL = reader.url(node, "auth.oauth2.token_url") ?? "" },
        "grant": { oauth2, node, reader in
            guard let text = reader.string(node, "auth.oauth2.grant") else { return }
            guard let grant = Credentials.OAuth2.Grant(rawValue: text) else {
                let known = Credentials.OAuth2.Grant.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error(at: node, "auth.oauth2.grant: '\(text)' is not one of \(known)")
                return
            }
            oauth2.grant = grant
        },
        "client_id": { oauth2, node, reader in
            oauth2.clientID = reader.interpolated(node, "auth.oauth2.client_id") ?? ""
        },
        "client_secret": { oauth2, node, reader in
            oauth2.clientSecret = reader.secret(node, "auth.oauth2.client_secret")
        },
        "client_auth": { oauth2, node, reader in
            guard let text = reader.string(node, "auth.oauth2.client_auth") else { return }
            guard let method = Credentials.OAuth2.ClientAuthentication(rawValue: text) else {
                reader.error(at: node, "auth.oauth2.client_auth: '\(text)' is not body or basic")
                return
            }
            oauth2.clientAuthentication = method
        },
        "scope": { oauth2, node, reader in oauth2.scope = reader.interpolated(node, "auth.oauth2.scope") },
        "username": { oauth2, node, reader in oauth2.username = reader.interpolated(node, "auth.oauth2.username") },
        "password": { oauth2, node, reader in oauth2.password = reader.secret(node, "auth.oauth2.password") },
        "refresh_token_file": { oauth2, node, reader in
            oauth2.refreshTokenFile = reader.interpolated(node, "auth.oauth2.refresh_token_file")
        },
        "device_authorization_url": { oauth2, node, reader in
            oauth2.deviceAuthorizationURL = reader.url(node, "auth.oauth2.device_authorization_url")
        },
    ]

    /// `auth.basic`'s keys.
    static let basic: [String: Field<Credentials.Basic>] = [
        "username": { basic, node, reader in
            basic.username = reader.interpolated(node, "auth.basic.username") ?? ""
        },
        "password": { basic, node, reader in basic.password = reader.secret(node, "auth.basic.password") ?? "" },
    ]
}

extension NodeReader {
    /// A credential: interpolated, and a secret even when written literally.
    func secret(_ node: Node, _ path: String) -> String? {
        let value = interpolated(node, path)
        if let value { interpolator.rememberSecret(value) }
        return value
    }

    /// `auth.oauth2` with what its grant needs; each lack an error at `node`.
    func checked(_ settings: Credentials.OAuth2, at node: Node) -> Credentials.OAuth2? {
        var missing: [String] = []
        if settings.tokenURL.isEmpty { missing.append("token_url") }
        if settings.clientID.isEmpty { missing.append("client_id") }
        switch settings.grant {
        case .clientCredentials where settings.clientSecret == nil: missing.append("client_secret")
        case .password:
            if settings.username == nil { missing.append("username") }
            if settings.password == nil { missing.append("password") }
        case .refreshToken where settings.refreshTokenFile == nil:
            error(
                at: node, "auth.oauth2: a refresh_token grant needs refresh_token_file (where 'canary login' keeps it)")
        default: break
        }
        for key in missing { error(at: node, "auth.oauth2: missing '\(key)' for the \(settings.grant.rawValue) grant") }
        return settings
    }
}
