import ArgumentParser
import CanaryCore

struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign a probe's canary account in once (OAuth2 device code) and keep its refresh token.",
        discussion: """
            For a probe whose auth.oauth2 has device_authorization_url and refresh_token_file: prints a URL and \
            a code, waits while a person signs in (with MFA) in any browser, then stores the refresh token in \
            refresh_token_file (mode 0600). Runs refresh it from then on; run login again when they report \
            auth_failure with invalid_grant.
            """
    )

    @Argument(help: ArgumentHelp("Probe files, or folders of *.yaml probe files.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("The probe to sign in.", valueName: "name"))
    var probe: String

    func run() async throws {
        let job = LoginJob(paths: paths, probe: probe, console: Terminal.console)
        throw ExitCode(try await job.run(stop: StopSwitch.trippedBySignals()))
    }
}
