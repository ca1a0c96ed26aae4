/// A long text to read and copy (a person's data export): scrolls by line and page, no wrapping
/// surprises for JSON — long lines wrap at the screen's width.
struct TextViewScreen: Screen {
    let title: String
    let text: String
    private var top = 0
    private let page = 15

    init(title: String, text: String) {
        self.title = title
        self.text = text
    }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.up, .down], label: "↑↓", help: "scroll"), KeyBinding(keys: [.pageUp, .pageDown], label: "PgUp/PgDn", help: "page")]
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        guard case .key(let key) = event else { return true }
        switch key {
        case .up, .char("k"): top = max(0, top - 1)
        case .down, .char("j"): top += 1
        case .pageUp: top = max(0, top - page)
        case .pageDown: top += page
        default: return false
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let lines = Paragraph(text).lines(width: max(1, area.width - 2))
        let first = min(top, max(0, lines.count - area.height))
        for (i, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            buffer.setString(area.x + 1, area.y + i, line, maxWidth: area.width - 2)
        }
    }
}
