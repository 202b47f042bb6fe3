import Claims
import Foundation

/// ANSI colour for verdicts — only when standard output is a terminal and `NO_COLOR` is unset
/// (https://no-color.org), so pipes, files and CI logs get plain text.
enum TerminalStyle {
    static let enabled = isatty(1) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    /// `text` in the verdict's colour: holds green, fails red, inconclusive yellow, out of regime blue,
    /// error magenta.
    static func verdict(_ verdict: Verdict, _ text: String, enabled: Bool = TerminalStyle.enabled) -> String {
        guard enabled else { return text }
        let code = switch verdict {
        case .holds: "32"
        case .fails: "31"
        case .inconclusive: "33"
        case .outOfRegime: "34"
        case .error: "35"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
