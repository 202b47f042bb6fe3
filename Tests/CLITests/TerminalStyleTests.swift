import Claims
import Testing
@testable import TheoryCheckCLI

/// Verdict colours: ANSI codes only when enabled (a terminal without NO_COLOR), plain text otherwise.
@Suite("Terminal style")
struct TerminalStyleTests {
    @Test func verdictsAreColouredOnlyWhenEnabled() {
        for verdict in Verdict.allCases {
            #expect(TerminalStyle.verdict(verdict, "x", enabled: false) == "x")
            let coloured = TerminalStyle.verdict(verdict, "x", enabled: true)
            #expect(coloured.hasPrefix("\u{1B}[3") && coloured.hasSuffix("x\u{1B}[0m"))
        }
        #expect(TerminalStyle.verdict(.holds, "x", enabled: true) != TerminalStyle.verdict(.fails, "x", enabled: true))
    }
}
