import CGMP

extension BigInt: CustomStringConvertible, LosslessStringConvertible {
    /// Decimal digits with a leading "-" for negative numbers.
    public var description: String {
        withMPZ { z in
            let capacity = __gmpz_sizeinbase(z, 10) + 2  // digits (possibly one too many), sign, NUL
            return String(unsafeUninitializedCapacity: capacity) { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    _ = __gmpz_get_str(chars.baseAddress, 10, z)
                    return strlenOf(chars)
                }
            }
        }
    }

    /// Parses `[+-]?[0-9]+` (surrounding white space allowed); nil for anything else.
    public init?(_ text: String) {
        guard let value = try? BigInt(parsing: text) else { return nil }
        self = value
    }

    /// Parses `[+-]?[0-9]+` (surrounding white space allowed), throwing `ExactError.parse` otherwise.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingWhiteSpace()
        var digits = Substring(trimmed)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ExactError.parse(input: text, expected: "an integer: optional sign, then decimal digits")
        }
        var result = BigInt()
        let status = result.withMutableMPZ { __gmpz_set_str($0, trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed, 10) }
        guard status == 0 else { throw ExactError.parse(input: text, expected: "an integer") }
        self = result
    }
}

@inline(__always)
func strlenOf(_ chars: UnsafeMutableBufferPointer<CChar>) -> Int {
    var n = 0
    while n < chars.count, chars[n] != 0 { n += 1 }
    return n
}

extension String {
    func trimmingWhiteSpace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
