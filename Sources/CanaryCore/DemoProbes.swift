/// `probes/demo.yaml`, compiled in so that `canary demo` works from any folder; a test
/// keeps the two identical.
public enum DemoProbes {
    public static let yaml = #"""
        # The probes of `canary demo`: the built-in simulator replaying incident MO1329260 (a
        # self-service portal failing with intermittent 504s and blank pages for four hours).
        # {{simulator}} stands for the simulator's address; `canary demo` fills it in. This file
        # is also compiled into canary, so the demo works from any folder.
        defaults:
          interval: 500ms
          timeout: 1s
          attempts: 3
          attempt_spacing: 50ms
          alert: {after: 2, window: 6, ratio: 0.3, recover_after: 2}
          labels: {service: entra}

        probes:
          - name: mysignins
            url: "{{simulator}}/portal/"
            expect:
              body_contains: ["My Sign-Ins"]
              latency: {warning: 500ms, critical: 2s}
            error_patterns: ["AADSTS\\d+"]
            capture_headers: [x-ms-request-id]
            labels: {portal: mysignins}

          - name: entra-login
            url: "{{simulator}}/login/"
            expect:
              body_contains: ["Sign in"]
              latency: {warning: 500ms, critical: 2s}
            labels: {portal: login}

          # The vendor's status page: content_mismatch means it admits an incident.
          - name: vendor-status
            url: "{{simulator}}/status/api/v2/status.json"
            expect:
              body_matches: ['"indicator": *"none"']
            labels: {portal: status}

        """#

    /// The probes, pointed at the simulator at `baseURL`.
    public static func probeSet(simulator baseURL: String) throws(ProbeLoadError) -> ProbeSet {
        try ProbeLoader(environment: [:]).load(
            text: yaml.replacingOccurrences(of: "{{simulator}}", with: baseURL), file: "probes/demo.yaml")
    }
}
