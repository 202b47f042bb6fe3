extension Rational: CustomStringConvertible, LosslessStringConvertible {
    /// "p/q" in lowest terms, or "p" when q = 1.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }

    /// Parses "p/q", an integer, or a decimal with optional exponent ("-1.25", "3e-7", ".5E+2"),
    /// with no white space inside; nil for anything else.
    public init?(_ text: String) {
        guard let value = try? Rational(parsing: text) else { return nil }
        self = value
    }

    /// Parses "p/q", an integer, or a decimal with optional exponent, exactly.
    ///
    /// A number is one token: white space around it is ignored, white space inside it is not
    /// allowed ("1/2" parses, "1 / 2" and "1 2" do not — as `BigInt(parsing:)`, where "1 2" is not
    /// an integer either). Throws `ExactError.parse` for malformed text and `.divisionByZero` for "p/0".
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhiteSpace()
        let expected = "a rational: \"p/q\", an integer, or a decimal such as -1.25e-3, with no spaces inside"
        guard !trimmed.contains(where: \.isWhitespace) else { throw ExactError.parse(input: text, expected: expected) }
        if let slash = trimmed.firstIndex(of: "/") {
            guard let p = BigInt(String(trimmed[..<slash])),
                  let q = BigInt(String(trimmed[trimmed.index(after: slash)...])) else {
                throw ExactError.parse(input: text, expected: expected)
            }
            try self.init(p, q)
            return
        }
        // Decimal: [sign] digits [. digits] [(e|E) [sign] digits], at least one mantissa digit.
        var mantissa = Substring(trimmed), exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(mantissa[mantissa.index(after: e)...]), x.magnitude <= 1_000_000 else {
                throw ExactError.parse(input: text, expected: expected + " (exponent at most 10⁶ in size)")
            }
            exponent = x
            mantissa = mantissa[..<e]
        }
        var negative = false
        if mantissa.first == "+" || mantissa.first == "-" {
            negative = mantissa.first == "-"
            mantissa = mantissa.dropFirst()
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.contains(where: { !$0.isEmpty }) else {
            throw ExactError.parse(input: text, expected: expected)
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = try BigInt(parsing: String(parts[0] + fraction).isEmpty ? "0" : String(parts[0] + fraction))
        let scale = exponent - fraction.count
        let ten = BigInt(10)
        var value = Rational(digits)
        if scale >= 0 { value *= Rational(try ten.power(scale)) } else { value = try value / Rational(try ten.power(-scale)) }
        self = negative ? -value : value
    }

    /// The value rounded to `fractionDigits` decimal places (ties to even), e.g. "-0.333" for −1/3
    /// and 3 places. Exact: no floating point is involved.
    public func decimalString(fractionDigits: Int) throws -> String {
        guard fractionDigits >= 0 else {
            throw ExactError.invalidArgument(name: "fractionDigits", value: "\(fractionDigits)", allowed: "≥ 0")
        }
        let scaled = magnitude * Rational(try BigInt(10).power(fractionDigits))
        var integer = scaled.floor
        let remainder = scaled - Rational(integer)
        let half = try Rational(1, 2)
        if remainder > half || (remainder == half && integer.isOdd) { integer += BigInt(1) }
        var digits = integer.description
        if fractionDigits > 0 {
            if digits.count <= fractionDigits { digits = String(repeating: "0", count: fractionDigits - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fractionDigits))
        }
        return (signum < 0 && !integer.isZero ? "-" : "") + digits
    }
}
