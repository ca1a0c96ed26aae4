/// One labelled input of a `Form`.
public struct FormField: Hashable, Sendable {
    /// What the screen calls this field: `form["phone"]`.
    public var id: String
    public var label: String
    public var placeholder: String
    public var input: TextFieldState

    public init(_ id: String, label: String, placeholder: String = "", input: TextFieldState = TextFieldState()) {
        self.id = id
        self.label = label
        self.placeholder = placeholder
        self.input = input
    }
}

/// The fields of a form and which one has focus; owned by the screen.
///
///     var form = FormState([
///         FormField("phone", label: "Phone", input: TextFieldState(maxLength: 13, filter: .phone)),
///         FormField("code", label: "Code", input: TextFieldState(maxLength: 6, filter: .digits, isMasked: true)),
///     ])
///     if case .key(let key) = event, form.handle(key) { return [] }   // typing, Tab/Shift-Tab
///     if case .key(.enter) = event { submit(form["phone"].text, form["code"].text) }
///     form.setError("Wrong code", for: "code")
public struct FormState: Hashable, Sendable {
    public var fields: [FormField]
    /// Index of the focused field.
    public private(set) var focus: Int

    public init(_ fields: [FormField], focus: Int = 0) {
        self.fields = fields
        self.focus = fields.isEmpty ? 0 : min(max(0, focus), fields.count - 1)
    }

    /// The input of the field with `id` (a programmer error if there is none).
    public subscript(id: String) -> TextFieldState {
        get { fields[index(of: id)].input }
        set { fields[index(of: id)].input = newValue }
    }

    private func index(of id: String) -> Int {
        guard let i = fields.firstIndex(where: { $0.id == id }) else {
            preconditionFailure("FormState has no field \(id)")   // a typo in the screen's code
        }
        return i
    }

    public var focusedID: String? { fields.indices.contains(focus) ? fields[focus].id : nil }

    public mutating func focus(on id: String) { focus = index(of: id) }
    public mutating func focusNext() { if !fields.isEmpty { focus = (focus + 1) % fields.count } }
    public mutating func focusPrevious() { if !fields.isEmpty { focus = (focus + fields.count - 1) % fields.count } }

    public mutating func setError(_ message: String?, for id: String) { fields[index(of: id)].input.error = message }
    public mutating func clearErrors() { for i in fields.indices { fields[i].input.error = nil } }
    public var hasErrors: Bool { fields.contains { $0.input.error != nil } }

    /// Tab/↓ and Shift-Tab/↑ move the focus (wrapping); editing keys go to the focused field.
    /// Returns false for keys the screen handles (Enter, Esc…).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .tab, .down: focusNext(); return true
        case .backTab, .up: focusPrevious(); return true
        default:
            guard fields.indices.contains(focus) else { return false }
            return fields[focus].input.handle(key)
        }
    }
}

/// Draws a `FormState`: one row per field (label, then input), plus a row under each input for
/// its error message. The focused field puts the terminal cursor where typing goes.
///
///     Form().render(into: &buffer, area: area, state: form)
///     // buffer.cursor: in the focused field, after what is typed
public struct Form: Sendable {
    public var labelStyle: Style
    public var focusedLabelStyle: Style
    /// Width of the label column; nil: the longest label plus 2.
    public var labelWidth: Int?

    public init(labelStyle: Style = .plain, focusedLabelStyle: Style = Style().bold(), labelWidth: Int? = nil) {
        self.labelStyle = labelStyle
        self.focusedLabelStyle = focusedLabelStyle
        self.labelWidth = labelWidth
    }

    /// Rows a form with `fieldCount` fields takes.
    public static func height(fieldCount: Int) -> Int { fieldCount * 2 }

    func fieldAreas(area: Rect, state: FormState) -> [(label: Rect, input: Rect)] {
        let lw = min(area.width / 2, labelWidth ?? ((state.fields.map { TextWidth.of($0.label) }.max() ?? 0) + 2))
        return state.fields.indices.map { i in
            let row = Rect(x: area.x, y: area.y + 2 * i, width: area.width, height: max(0, min(2, area.bottom - area.y - 2 * i)))
            let (label, input) = row.splitLeft(lw)
            return (label, input)
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, state: FormState) {
        for (i, (labelRect, inputRect)) in fieldAreas(area: area, state: state).enumerated() where !inputRect.isEmpty {
            let field = state.fields[i]
            let focused = i == state.focus
            buffer.setLine(field.label, in: labelRect.row(0), style: focused ? focusedLabelStyle : labelStyle)
            TextField(placeholder: field.placeholder, isFocused: focused).render(into: &buffer, area: inputRect, state: field.input)
        }
    }

    /// Where the terminal cursor goes (in the focused field), in screen columns of a frame
    /// `screen` wide (default `area`) in the session's layout; `render` records it in the buffer.
    public func cursorPosition(area: Rect, state: FormState, screen: Rect? = nil) -> (x: Int, y: Int)? {
        let areas = fieldAreas(area: area, state: state)
        guard areas.indices.contains(state.focus) else { return nil }
        return TextField(isFocused: true).cursorPosition(area: areas[state.focus].input, state: state.fields[state.focus].input, screen: screen ?? area)
    }
}
