/// Classes merged into the two groups of a binary task (Figure 2 of Feature Averaging: 0–4 against
/// 5–9), written `none`, `0-4/5-9` (ranges), `parity` (even / odd) or explicit lists `3,5/8`.
/// The first group is labelled +1, the second −1; classes in neither group are dropped.
public struct ClassGrouping: Equatable, Sendable, CustomStringConvertible {
    /// Nil: no grouping (the classes themselves).
    public let groups: (positive: [Int], negative: [Int])?
    public let description: String

    public static func == (a: ClassGrouping, b: ClassGrouping) -> Bool { a.description == b.description }

    public static let none = ClassGrouping(groups: nil, description: "none")

    init(groups: (positive: [Int], negative: [Int])?, description: String) {
        (self.groups, self.description) = (groups, description)
    }

    /// Parses the spelling; `classes` bounds the class indices. Errors name `field`.
    public init(parsing text: String, classes: Int, field: String) throws {
        let allowed = "none, parity, or two disjoint groups of classes 0 … \(classes - 1) as ranges or lists, e.g. 0-4/5-9 or 3/8"
        if text == "none" { self = .none; return }
        if text == "parity" {
            self.init(groups: (stride(from: 0, to: classes, by: 2).map { $0 }, stride(from: 1, to: classes, by: 2).map { $0 }), description: text)
            return
        }
        func group(_ part: Substring) throws -> [Int] {
            var members: [Int] = []
            for item in part.split(separator: ",") {
                let ends = item.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard (1...2).contains(ends.count), let lo = ends.first!, let hi = ends.last!, 0 <= lo, lo <= hi, hi < classes else {
                    throw ConfigError(field: field, value: text, allowed: allowed)
                }
                members += Array(lo...hi)
            }
            return members
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ConfigError(field: field, value: text, allowed: allowed) }
        let (positive, negative) = (try group(parts[0]), try group(parts[1]))
        guard !positive.isEmpty, !negative.isEmpty, Set(positive).isDisjoint(with: negative),
              Set(positive).count == positive.count, Set(negative).count == negative.count else {
            throw ConfigError(field: field, value: text, allowed: allowed)
        }
        self.init(groups: (positive, negative), description: text)
    }

    /// The classes kept, in increasing order (all `classes` without a grouping).
    public func kept(classes: Int) -> [Int] {
        groups.map { ($0.positive + $0.negative).sorted() } ?? Array(0..<classes)
    }

    /// The ±1 label of class c (+1 for the first group), or nil when c is in neither group.
    public func sign(of c: Int) -> Int? {
        guard let groups else { return nil }
        return groups.positive.contains(c) ? 1 : groups.negative.contains(c) ? -1 : nil
    }
}
