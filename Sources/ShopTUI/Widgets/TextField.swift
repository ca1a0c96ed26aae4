/// A one-line input: the text (or `•` when masked, or a dim placeholder when empty) on the first
/// row, and the state's error message under it when the area has a second row. When focused it
/// puts the terminal cursor where typing goes (`buffer.cursor`).
///
///     let field = TextField(placeholder: "09xx xxx xxxx", isFocused: true)
///     field.render(into: &buffer, area: Rect(x: 10, y: 4, width: 30, height: 2), state: phone)
///     // buffer.cursor == (10 + the width of what is typed before the cursor, 4)
public struct TextField: Sendable {
    public var placeholder: String
    public var isFocused: Bool
    public var style: Style
    public var focusedStyle: Style
    public var placeholderStyle: Style
    public var errorStyle: Style

    public init(placeholder: String = "", isFocused: Bool = true, style: Style = Theme.input,
                focusedStyle: Style = Theme.input.bold(), placeholderStyle: Style = Theme.muted.underline(),
                errorStyle: Style = Theme.error) {
        self.placeholder = placeholder
        self.isFocused = isFocused
        self.style = style
        self.focusedStyle = focusedStyle
        self.placeholderStyle = placeholderStyle
        self.errorStyle = errorStyle
    }

    /// The characters shown (masked or not) and the index of the first one visible, scrolled so
    /// the cursor stays inside `width` columns.
    func visible(_ state: TextFieldState, width: Int) -> (text: String, cursorColumn: Int) {
        let chars = state.shownCharacters
        let room = max(1, width - 1)          // keep a column for the cursor at the end
        var start = 0
        while TextWidth.of(String(chars[start..<state.cursor])) > room { start += 1 }
        var shown = "", shownWidth = 0
        for ch in chars[start...] {
            let w = TextWidth.of(ch)
            if shownWidth + w > width { break }
            shown.append(ch)
            shownWidth += w
        }
        return (shown, TextWidth.of(String(chars[start..<state.cursor])))
    }

    public func render(into buffer: inout Buffer, area: Rect, state: TextFieldState) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        let fieldStyle = isFocused ? focusedStyle : style
        buffer.setStyle(line, fieldStyle)
        if state.text.isEmpty {
            buffer.setString(line.x, line.y, placeholder, style: placeholderStyle, maxWidth: line.width)
        } else {
            let shown = visible(state, width: line.width).text
            // A right-to-left paragraph in a Persian frame, whatever is typed: the caret logic matches.
            buffer.setString(line.x, line.y, displayed(shown, state), style: fieldStyle, maxWidth: line.width,
                             paragraph: buffer.layout.mirrors ? .rightToLeft : nil)
        }
        if area.height >= 2, let error = state.error {
            buffer.setString(area.x, area.y + 1, error, style: errorStyle, maxWidth: area.width, truncation: .ellipsis)
        }
        if isFocused, let caret = visualCaret(line: line, state: state, layout: buffer.layout) {
            buffer.setVisualCursor(buffer.visualRect(line).x + caret, line.y)
        }
    }

    /// Numbers in the session's digits (the state keeps ASCII).
    func displayed(_ shown: String, _ state: TextFieldState) -> String {
        state.filter.foldsDigits && !state.isMasked ? Numerals.localized(shown) : shown
    }

    /// The caret's column inside `line` as it lies on screen (0 = the line's leftmost cell), nil
    /// for an empty line. Right-to-left text: the caret stands where the character it precedes
    /// is drawn (`TextFieldState.caretColumns`), so typing lands where the caret is seen.
    func visualCaret(line: Rect, state: TextFieldState, layout: BufferLayout) -> Int? {
        guard !line.isEmpty else { return nil }
        let (shown, _) = visible(state, width: line.width)
        let start = firstVisibleIndex(state, width: line.width)
        let chars = Array(shown)
        let columns = TextFieldState.caretColumns(chars, layout: layout)
        let index = min(max(0, state.cursor - start), chars.count)
        var column = columns[index]
        if layout.mirrors { column += line.width - TextWidth.of(shown) }   // the text sits at the right edge
        return min(max(0, column), line.width - 1)
    }

    /// The index of the first character `visible` shows.
    private func firstVisibleIndex(_ state: TextFieldState, width: Int) -> Int {
        let chars = state.shownCharacters
        let room = max(1, width - 1)
        var start = 0
        while TextWidth.of(String(chars[start..<state.cursor])) > room { start += 1 }
        return start
    }

    /// Where the terminal cursor goes when this field is focused (nil when it is not), in screen
    /// columns of a frame `screen` wide (the whole frame; default `area`) drawn in the session's
    /// layout: in Persian the caret's mirrored place. `render` records the same in the buffer,
    /// so the answer is what render says.
    public func cursorPosition(area: Rect, state: TextFieldState, screen: Rect? = nil) -> (x: Int, y: Int)? {
        guard isFocused, !area.isEmpty else { return nil }
        var scratch = Buffer(area: screen ?? area, layout: L.layout)
        render(into: &scratch, area: area, state: state)
        return scratch.cursor
    }
}
