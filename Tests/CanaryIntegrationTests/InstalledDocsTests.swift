import CanaryTestSupport
import Foundation
import Testing

/// What `make install` adds beside the binary (scripts/install-docs.sh): a man page and
/// shell completions, generated from the command definitions.
@Suite("Man page and completions")
struct InstalledDocsTests {
    @Test("the man page renders with man -l and documents check's flags; bash loads the completions and completes")
    func manAndCompletions() async throws {
        let root = Fixtures.packageRoot.path
        let generator = "\(root)/.build/debug/generate-manual"
        try #require(
            FileManager.default.isExecutableFile(atPath: generator),
            "make test builds swift-argument-parser's generate-manual before the tests")
        let prefix = try Fixtures.temporaryFolder() + "/usr"
        let install = try await ChildProcess.run(
            "\(root)/scripts/install-docs.sh", [CanaryBinary.path, generator, prefix])
        #expect(install.status == 0, "\(install.stderr)")

        let page = "\(prefix)/share/man/man1/canary.1"
        let man = try await ChildProcess.run(
            "man", ["--warnings", "-l", page], environment: ["MANWIDTH": "100", "MANPAGER": "cat", "PAGER": "cat"])
        #expect(man.status == 0, "\(man.stderr)")
        #expect(man.stderr.isEmpty, "groff warned: \(man.stderr)")
        let text = man.stdout
        #expect(text.contains("canary — A synthetic canary prober"), "\(text.prefix(300))")
        for expected in ["-f, --onredirect", "-m, --pagesize", "--tls-version", "state", "report", "watch"] {
            #expect(text.contains(expected), "the man page lacks \(expected)")
        }

        let completions = "\(prefix)/share/bash-completion/completions/canary"
        let script = """
            source "$1"
            complete -p canary
            COMP_WORDS=(canary ch); COMP_CWORD=1; COMP_LINE="canary ch"; COMP_POINT=9
            _canary canary ch canary; printf 'first:%s\\n' "${COMPREPLY[@]}"; COMPREPLY=()
            COMP_WORDS=(canary check --onre); COMP_CWORD=2; COMP_LINE="canary check --onre"; COMP_POINT=19
            _canary canary --onre check; printf 'flag:%s\\n' "${COMPREPLY[@]}"
            """
        let bash = try await ChildProcess.run("bash", ["-c", script, "bash", completions])
        #expect(bash.status == 0, "\(bash.stderr)")
        #expect(bash.stdout.contains("complete -o filenames -F _canary canary"), "\(bash.stdout)")
        #expect(bash.stdout.contains("first:check\n"), "\(bash.stdout)")
        #expect(bash.stdout.contains("flag:--onredirect\n"), "\(bash.stdout)")
        for file in ["zsh/site-functions/_canary", "fish/vendor_completions.d/canary.fish"] {
            let size = try FileManager.default.attributesOfItem(atPath: "\(prefix)/share/\(file)")[.size] as? Int
            #expect((size ?? 0) > 1000, "\(file)")
        }
    }
}
