/// `probes/demo.yaml`, compiled in so that `canary demo` works from any folder; a test
/// keeps the two identical.
public enum DemoProbes {
    public static let yaml = #"""
        # The probes of `canary demo`: the built-in simulator replaying incident MO1329260 (a
        # self-service portal failing with intermittent 504s and blank pages for four hours).
        # The address is `canary simulate`'s default, so these probes also work against
        #   canary simulate --scenario mo1329260 --speed 60
        # `canary demo` replaces it with its own simulator's. This file is also compiled into
        # canary, so the demo works from any folder.
        # The vendor's own word: its status page, polled beside the probes; canary measures how
        # long it stays silent while the portal fails, and how far behind canary it admits it.
        vendors:
          - name: demo-vendor
            kind: statuspage
            url: "http://127.0.0.1:8080/status"
            interval: 250ms

        defaults:
          interval: 500ms
          timeout: 1s
          attempts: 3
          attempt_spacing: 50ms
          alert: {after: 2, window: 6, ratio: 0.3, recover_after: 2}
          labels: {service: entra}

        probes:
          - name: demo-mysignins
            url: "http://127.0.0.1:8080/portal/"
            expect:
              body_contains: ["My Sign-Ins"]
              latency: {warning: 500ms, critical: 2s}
            error_patterns: ["AADSTS\\d+"]
            capture_headers: [x-ms-request-id]
            vendor: {name: demo-vendor, component: My Sign-Ins}
            labels: {portal: mysignins}

          - name: demo-login
            url: "http://127.0.0.1:8080/login/"
            expect:
              body_contains: ["Sign in"]
              latency: {warning: 500ms, critical: 2s}
            labels: {portal: login}

          # The synthetic user: a token from the (healthy) sign-in service, then the API behind the
          # portal and the portal itself, which fail together. The client secret is the
          # simulator's; a real tenant's comes from ${env:...} (see probes/mysignins-user.yaml).
          - name: demo-user-journey
            auth:
              oauth2:
                token_url: "http://127.0.0.1:8080/journey/token"
                client_id: canary-client
                client_secret: canary-client-secret
            steps:
              - name: methods
                url: "http://127.0.0.1:8080/api/methods"
                expect:
                  json: {"$.value[0].id": ".+"}
                  latency: {warning: 500ms, critical: 2s}
                capture_headers: [x-ms-request-id]
              - name: portal
                url: "http://127.0.0.1:8080/portal/"
                expect:
                  body_contains: ["My Sign-Ins"]
                  latency: {warning: 500ms, critical: 2s}
            vendor: {name: demo-vendor, component: My Sign-Ins}
            labels: {portal: journey}

        """#

    /// The address in the file: `canary simulate`'s default.
    public static let defaultSimulator = "http://127.0.0.1:8080"

    /// The probes, pointed at the simulator at `baseURL`.
    public static func probeSet(simulator baseURL: String) throws(ProbeLoadError) -> ProbeSet {
        try ProbeLoader(environment: [:]).load(
            text: yaml.replacingOccurrences(of: defaultSimulator, with: baseURL), file: "probes/demo.yaml")
    }
}
