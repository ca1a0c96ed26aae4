/// A language the shop speaks: the TUI's, an account's (codes are texted in it), an API answer's.
///
/// ```swift
/// Language(tag: "fa-IR")   // .fa
/// Language(tag: "de")      // nil: not one the shop speaks
/// ```
public enum Language: String, Codable, CaseIterable, Sendable {
    case en, fa

    /// A language tag or locale name (`fa`, `fa-IR`, `fa_IR.UTF-8`, `EN`) by its primary
    /// language; nil for languages the shop does not speak.
    public init?(tag: String) {
        let primary = tag.split(whereSeparator: { "-_.@".contains($0) }).first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    /// Right-to-left script.
    public var isRightToLeft: Bool { self == .fa }
}
