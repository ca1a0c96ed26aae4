/// A long text to read and copy (a person's data export): scrolls by line and page, no wrapping
/// surprises for JSON — long lines wrap at the screen's width.
struct TextViewScreen: Screen {
    let title: String
    let text: String
    private var top = 0

    init(title: String, text: String) {
        self.title = title
        self.text = text
    }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("text_view.keys.scroll")), KeyBinding(keys: [.pageUp, .pageDown], label: "PgUp/PgDn", help: L.t("list.page"))]
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        guard case .key(let key) = event else { return true }
        // A page is the rows shown at this terminal size; the last page stops at the end.
        let area = context.session.screenArea
        let page = max(1, area.height)
        let last = max(0, Self.lines(text, in: area).count - area.height)
        switch key {
        case .up, .char("k"): top = max(0, top - 1)
        case .down, .char("j"): top = min(last, top + 1)
        case .pageUp: top = max(0, top - page)
        case .pageDown: top = min(last, top + page)
        default: return false
        }
        return true
    }

    static func lines(_ text: String, in area: Rect) -> [String] { Paragraph(text).lines(width: max(1, area.width - 2)) }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let lines = Self.lines(text, in: area)
        let first = min(top, max(0, lines.count - area.height))
        for (i, line) in lines.dropFirst(first).prefix(area.height).enumerated() {
            buffer.setString(area.x + 1, area.y + i, line, maxWidth: area.width - 2)
        }
    }
}
