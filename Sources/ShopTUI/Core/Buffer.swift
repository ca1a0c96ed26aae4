/// One changed cell, as produced by `Buffer.diff(_:)` and drawn by a backend.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell
    public init(x: Int, y: Int, cell: Cell) { self.x = x; self.y = y; self.cell = cell }
}

/// A rectangle of cells that widgets draw into; the frame the runtime diffs and hands to a backend.
///
///     var buffer = Buffer(area: Rect(width: 20, height: 2))
///     let end = buffer.setString(0, 0, "Hello", style: Style().bold())   // end == 5
///     buffer.setString(0, 1, "漢字漢字", maxWidth: 5)                    // draws 2 wide chars + nothing
///     buffer.lines    // ["Hello               ", "漢字                "] (wide chars count 2)
///
/// Rendering also says where the terminal cursor goes (ratatui's `Frame::set_cursor_position`):
/// a focused `TextField` sets `cursor` while it draws, and the runner shows the cursor there
/// (nil: hidden). So the layout that places a field is computed once, in `render`.
///
///     TextField(isFocused: true).render(into: &buffer, area: field, state: phone)
///     buffer.cursor    // (field.x + the typed width, field.y)
public struct Buffer: Equatable, Sendable {
    public private(set) var area: Rect
    /// Row-major cells of `area`.
    public private(set) var cells: [Cell]
    /// Where the terminal cursor goes after this frame, or nil to hide it. The last widget to
    /// set it wins, so an overlay's focused field wins over a field drawn under it.
    ///
    /// Set in the widgets' (left-to-right) coordinates; read in screen coordinates: in a
    /// right-to-left buffer the column set is mirrored (see `layout`).
    public var cursor: (x: Int, y: Int)? {
        get { cursorPosition.map { ($0.x, $0.y) } }
        set { cursorPosition = newValue.map { CursorPosition(x: visualX($0.x), y: $0.y) } }
    }
    /// Puts the cursor at (x, y) in screen coordinates, never mirrored (a text field that has
    /// already worked out the caret's visual place).
    public mutating func setVisualCursor(_ x: Int, _ y: Int) { cursorPosition = CursorPosition(x: x, y: y) }
    private var cursorPosition: CursorPosition?
    private struct CursorPosition: Hashable, Sendable { let x: Int, y: Int }

    /// Pictures this frame shows, in drawing order (see `placeImage`). Like the cursor, not cells:
    /// the backend puts them on the terminal after the cells, and only when they change.
    public private(set) var images: [ImagePlacement] = []

    /// Records that `image` goes in `rect` (clipped to the area; nothing when empty). The cells
    /// under it are the screen's to draw (blank, or a frame around it).
    ///
    ///     buffer.placeImage(photo, in: block.inner(box))
    ///     buffer.images    // [ImagePlacement(photo, in: …)]
    public mutating func placeImage(_ image: TerminalImage, in rect: Rect) {
        let r = visualRect(rect).intersection(area)
        guard !r.isEmpty else { return }
        images.append(ImagePlacement(image, in: r))
    }

    /// Two buffers are equal when they show the same cells (the cursor is not a cell).
    public static func == (lhs: Buffer, rhs: Buffer) -> Bool { lhs.area == rhs.area && lhs.cells == rhs.cells }

    /// Which way the screen reads (see `BufferLayout`): set before anything is written.
    public var layout: BufferLayout

    public init(area: Rect, filledWith cell: Cell = .blank, layout: BufferLayout = .leftToRight) {
        self.area = area
        self.cells = Array(repeating: cell, count: area.area)
        self.layout = layout
    }

    // MARK: - Mirroring (right-to-left layout)

    /// The screen column where a write of `width` columns at x starts.
    func visualX(_ x: Int, width: Int = 1) -> Int {
        layout.mirrors ? area.left + area.right - x - width : x
    }

    /// `rect` as it lies on screen.
    func visualRect(_ rect: Rect) -> Rect {
        layout.mirrors ? Rect(x: visualX(rect.x, width: rect.width), y: rect.y, width: rect.width, height: rect.height) : rect
    }

    /// A buffer showing `lines` (for tests): each line written from column 0.
    public init(lines: [String], width: Int? = nil) {
        let w = width ?? lines.map { TextWidth.of($0) }.max() ?? 0
        self.init(area: Rect(width: w, height: lines.count))
        for (y, line) in lines.enumerated() { setString(0, y, line, bidi: false) }
    }

    // MARK: - Cells

    func index(_ x: Int, _ y: Int) -> Int? {
        guard area.contains(x: x, y: y) else { return nil }
        return (y - area.y) * area.width + (x - area.x)
    }

    /// The cell at absolute (x, y) in screen coordinates (never mirrored); a blank outside the area.
    public subscript(x: Int, y: Int) -> Cell {
        get { index(x, y).map { cells[$0] } ?? .blank }
        set { if let i = index(x, y) { cells[i] = newValue } }
    }

    /// Puts one grapheme at (x, y) and returns its width. A wide grapheme also claims (x+1, y) as
    /// its continuation; a wide grapheme that does not fit before the area's right edge is
    /// replaced by a space. Overwriting half of an existing wide character blanks its other half.
    ///
    ///     buffer.set(3, 0, "字", style: .plain)   // cells 3 and 4
    @discardableResult
    public mutating func set(_ x: Int, _ y: Int, _ symbol: Character, style: Style = .plain) -> Int {
        guard layout.mirrors else { return put(x, y, symbol, style: style) }
        let w = TextWidth.of(symbol)
        guard w > 0 else { return 0 }
        if w == 2, x + 1 >= area.right { return put(visualX(x), y, " ", style: style) }
        _ = put(visualX(x, width: w), y, LayoutDirection.mirrored(symbol), style: style)
        return w
    }

    /// `set` in screen coordinates.
    @discardableResult
    private mutating func put(_ x: Int, _ y: Int, _ symbol: Character, style: Style) -> Int {
        guard let i = index(x, y) else { return 0 }
        let w = TextWidth.of(symbol)
        if w == 0 {
            // A lone zero-width grapheme (control, stray combining mark) is not drawn.
            return 0
        }
        let fits = w == 1 || x + 1 < area.right
        clearWideNeighbours(x, y, width: fits ? w : 1)
        cells[i] = Cell(fits ? String(symbol) : " ", style: style)
        if w == 2, fits { cells[i + 1] = .continuation(style: style) }
        return fits ? w : 1
    }

    /// Before writing `width` cells at (x, y): if that splits a wide character, blank its other half.
    private mutating func clearWideNeighbours(_ x: Int, _ y: Int, width: Int) {
        if let i = index(x, y), cells[i].isContinuation, let left = index(x - 1, y) {
            cells[left] = Cell(" ", style: cells[left].style)
        }
        let lastX = x + width - 1
        if let last = index(lastX, y), !cells[last].isContinuation, cells[last].width == 2,
           let right = index(lastX + 1, y) {
            cells[right] = Cell(" ", style: cells[right].style)
        }
        if width == 2, let second = index(x + 1, y), !cells[second].isContinuation, cells[second].width == 2,
           let right = index(x + 2, y) {
            cells[right] = Cell(" ", style: cells[right].style)
        }
    }

    /// Writes `string` from (x, y) on one line, clipped to `maxWidth` columns and the area's right
    /// edge, and returns the column after the last one written. Display width is measured
    /// (wide characters take 2 columns and are never cut in half); newlines and other controls
    /// are skipped. With `bidi` (the default) right-to-left runs are shown in visual order; the
    /// text is clipped in logical order first, so the *start* of a long Persian line survives.
    /// In a right-to-left buffer (`layout`) the write takes the mirrored columns and reads as a
    /// right-to-left paragraph (`Bidi.mirroredLayoutOrder`); `leftToRight: true` keeps a phone
    /// number, postal code or SKU in its own order; `paragraph` forces a direction (text fields).
    /// Text given a `maxWidth` that does not fit is cut at a word boundary and ends with `…`
    /// (`TextWidth.truncate`), so a sentence is never cut mid-word; `truncation: .clip` cuts at the
    /// edge instead (amounts in columns sized to fit, drawing clipped on purpose). Without a
    /// `maxWidth` the area's edge clips.
    ///
    ///     let end = buffer.setString(2, 0, "نان سنگک", style: .plain, maxWidth: 10)
    ///     buffer.setString(0, 1, "Receipt saved to receipts/S-000007.txt", maxWidth: 20)
    ///     // "Receipt saved to…"
    @discardableResult
    public mutating func setString(_ x: Int, _ y: Int, _ string: String, style: Style = .plain,
                                   maxWidth: Int? = nil, truncation: Truncation? = nil,
                                   bidi: Bool = true, leftToRight: Bool = false, paragraph: LayoutDirection? = nil) -> Int {
        guard y >= area.y, y < area.bottom else { return x }
        let limit = min(area.right, maxWidth.map { x + max(0, $0) } ?? Int.max)
        // Text given a width is cut honestly unless the caller sized it to fit (`.clip`).
        let string = (truncation ?? (maxWidth == nil ? .clip : .ellipsis)) == .ellipsis ? TextWidth.truncate(string, width: limit - x) : string
        var fitted = ""
        var width = 0
        for ch in string {
            let w = TextWidth.of(ch)
            if w == 0 { continue }
            if x + width + w > limit { break }
            fitted.append(ch)
            width += w
        }
        if layout.mirrors {
            // Its own paragraph, in the mirrored columns (only what fits was kept).
            let visual = !bidi ? fitted
                : leftToRight ? Bidi.visualOrder(fitted, paragraph: .leftToRight)
                : paragraph.map { Bidi.visualOrder(fitted, paragraph: $0) } ?? Bidi.mirroredLayoutOrder(fitted)
            var col = visualX(x, width: width)
            for ch in visual { col += put(col, y, LayoutDirection.mirrored(ch), style: style) }
            return x + width
        }
        let visual = bidi && layout.reordersText ? Bidi.visualOrder(fitted, leftToRight: leftToRight) : fitted
        var col = x
        for ch in visual {
            if col < area.x { col += TextWidth.of(ch); continue }
            col += put(col, y, ch, style: style)
        }
        return col
    }

    /// Lays `style` over every cell of `rect` (keeping the symbols).
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let r = visualRect(rect).intersection(area)
        for y in r.top..<r.bottom {
            for x in r.left..<r.right {
                let i = index(x, y)!
                cells[i].style = cells[i].style.patched(with: style)
            }
        }
    }

    /// Fills `rect` with `cell` (blank by default): how overlays clear what is under them.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = visualRect(rect).intersection(area)
        guard !r.isEmpty else { return }
        // An overlay hides the pictures under it too: a terminal draws images over text.
        images.removeAll { !$0.rect.intersection(r).isEmpty }
        clearWideNeighbours(r.left, r.top, width: 1)
        for y in r.top..<r.bottom {
            clearWideNeighbours(r.left, y, width: 1)
            clearWideNeighbours(r.right - 1, y, width: 1)
            for x in r.left..<r.right { cells[index(x, y)!] = cell }
        }
    }

    /// Changes every cell in place (used to degrade colors for a terminal).
    mutating func mapCells(_ body: (inout Cell) -> Void) {
        for i in cells.indices { body(&cells[i]) }
    }

    // MARK: - Diff

    /// The cells that differ from `previous` (continuation cells are implied by their wide
    /// character and never listed). When the areas differ, every cell is listed.
    ///
    ///     let changes = frame.diff(lastFrame)    // send only these to the terminal
    public func diff(_ previous: Buffer) -> [CellChange] {
        var changes: [CellChange] = []
        let sameArea = previous.area == area
        for i in cells.indices {
            let cell = cells[i]
            if cell.isContinuation { continue }
            if sameArea, previous.cells[i] == cell { continue }
            changes.append(CellChange(x: area.x + i % max(1, area.width), y: area.y + i / max(1, area.width), cell: cell))
        }
        return changes
    }

    // MARK: - Reading back

    /// Each row as text (continuation cells omitted, so a row's display width is the area width).
    public var lines: [String] {
        (0..<area.height).map { row in
            var s = ""
            for cell in cells[(row * area.width)..<((row + 1) * area.width)] where !cell.isContinuation {
                s += cell.symbol
            }
            return s
        }
    }
}
