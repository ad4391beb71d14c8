import ArgumentParser
import CanaryCore
import Foundation

@main
enum Main {
    /// When the process started running Swift code; `--deadline` counts from here.
    nonisolated(unsafe) static var launched = ContinuousClock.now

    /// Runs the command, mapping argument errors to exit 3 (UNKNOWN) as plugins do,
    /// instead of swift-argument-parser's 64.
    static func main() async {
        launched = ContinuousClock.now
        Terminal.guardStandardDescriptors()
        StartupTrace.mark("main")
        // libcurl's global initialisation takes as long as probing one page on loopback:
        // let it overlap argument parsing and probe loading.
        Engine.initializeInBackground()
        // A closed stdout or Pushgateway socket is an error to report, not a reason to
        // die with the other outputs unwritten.
        signal(SIGPIPE, SIG_IGN)
        // libcurl converts IDN host names (bücher.example) from the locale's character set;
        // canary's strings are UTF-8 whatever the user's locale, and only LC_CTYPE is set
        // so that numbers keep their '.'.
        setlocale(LC_CTYPE, "C.UTF-8")
        Signals.unblock()
        FileLimit.raise()
        if let shortage = FileLimit.shortage {
            // A monitor shows the plugin's stdout: say it there, in the plugin form.
            if CommandLine.arguments.dropFirst().first == "check" { Terminal.write("CANARY UNKNOWN - \(shortage)\n") }
            Terminal.error("canary: \(shortage)")
            finish(Severity.unknown.exitCode)
        }
        do {
            var arguments = Array(CommandLine.arguments.dropFirst())
            if arguments.first == "check" { arguments = CheckCommand.checkCurlArguments(arguments) }
            var command = try Canary.parseAsRoot(arguments)
            StartupTrace.mark("parsed")
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            finish(0)
        } catch let exit as ExitCode {
            finish(exit.rawValue)
        } catch {
            if Canary.exitCode(for: error) == .success {
                // --help and --version: written as any report is, so that a closed or full
                // stdout is an error (exit 3), not a silent 0.
                Terminal.write(Canary.fullMessage(for: error) + "\n")
                finish(0)
            }
            let message = Canary.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if CommandLine.arguments.dropFirst().first == "check" {
                // A monitor shows the plugin's stdout: say it there, in the plugin form.
                Terminal.write("CANARY UNKNOWN - \(message)\n")
            }
            // Usage errors point at the help; a failure while running (a state file that
            // cannot be locked) does not.
            Terminal.error("canary: \(message)" + (error is RunFailure ? "" : " (see '\(helpCommand())')"))
            finish(Severity.unknown.exitCode)
        }
    }

    /// The help of the command the arguments name (`canary check --help`), where a usage
    /// error is explained.
    static func helpCommand() -> String {
        var words = ["canary"]
        var commands = Canary.configuration.subcommands
        for argument in CommandLine.arguments.dropFirst() {
            guard let match = commands.first(where: { $0._commandName == argument }) else { break }
            words.append(argument)
            commands = match.configuration.subcommands
        }
        return (words + ["--help"]).joined(separator: " ")
    }

    /// Ends the process without running exit handlers: by now every output is written
    /// (files fsynced and renamed, stdout and stderr written unbuffered) and every
    /// command has shut its client down, while the libraries' handlers (OpenSSL's,
    /// Foundation's) would add about 4 ms to every run of a cron job.
    /// A report lost to a stdout that could not be written makes the exit code UNKNOWN,
    /// unless it is already CRITICAL.
    static func finish(_ code: Int32) -> Never {
        StartupTrace.mark("finish")
        fflush(nil)
        let lost = Terminal.stdoutFailed && code != Severity.critical.exitCode
        _exit(lost ? Severity.unknown.exitCode : code)
    }
}
