// The start-up floor of any canary-like program: a statically linked Swift program that
// links Foundation (as Yams does) and libcurl, and does nothing. bench/startup.sh builds
// it with `swiftc -O -static-stdlib ... -lcurl` and times it beside `canary run`.
import Foundation

// Referenced so that Foundation proper (not only FoundationEssentials) is linked in.
let pattern = CommandLine.arguments.count > 9 ? try? NSRegularExpression(pattern: "x") : nil
exit(pattern == nil ? 0 : 1)
