/// The question asked before a keypress that cannot be taken back (a role change, a
/// deactivation, an order marked sent, a cart line removed): one line of its own, above the
/// footer, never over the list it is about. `y` does it, `n` or Esc keeps things as they are.
///
///     let prompt = ConfirmPrompt(question: "Change Ann's role to staff?", yes: "change role")
///     prompt.answer(.char("y"))   // .yes
///     prompt.render(into: &buffer, area: promptRow)
public struct ConfirmPrompt: Sendable, Equatable {
    public var question: String
    /// What `y` does, in a few words: "change role".
    public var yes: String
    public var no: String
    /// A line above the question for what the person must know before answering (money paid).
    public var detail: String?

    public init(question: String, yes: String, no: String = L.t("confirm.keep"), detail: String? = nil) {
        self.question = question
        self.yes = yes
        self.no = no
        self.detail = detail
    }

    /// Rows the prompt takes: the question, and the detail above it.
    public var height: Int { detail == nil ? 1 : 2 }

    public enum Answer: Sendable, Equatable { case yes, no, undecided }

    /// `y` answers yes; `n` and Esc answer no; any other key leaves the question open.
    public func answer(_ key: Key) -> Answer {
        switch key {
        case .char("y"), .char("Y"): .yes
        case .char("n"), .char("N"), .escape: .no
        default: .undecided
        }
    }

    /// The only keys that act while the question is open.
    public var bindings: [KeyBinding] {
        [KeyBinding(keys: [.char("y")], help: yes), KeyBinding(keys: [.char("n"), .escape], label: "n/Esc", help: no)]
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let style = Style(fg: .black, bg: .indexed(221))
        if let detail, area.height > 1 {
            buffer.setStyle(area.row(0), style)
            buffer.setString(area.x + 1, area.y, detail, style: style, maxWidth: area.width - 2, truncation: .ellipsis)
        }
        let row = area.row(area.height - 1)
        buffer.setStyle(row, style)
        let hint = "  " + L.t("confirm.hint", ["yes": yes, "no": no])
        let x = buffer.setString(row.x + 1, row.y, "? " + question, style: style.bold(), maxWidth: max(0, row.width - TextWidth.of(hint) - 1), truncation: .ellipsis)
        buffer.setString(x, row.y, hint, style: style, maxWidth: max(0, row.right - x))
    }
}
