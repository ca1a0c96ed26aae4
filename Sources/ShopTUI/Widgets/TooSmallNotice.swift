/// What the screen shows when the terminal is below the minimum size (the runner draws it
/// instead of the program; see `RunnerOptions.minimumSize`).
///
///     TooSmallNotice().render(into: &buffer, area: area)
///     // Terminal too small: 60×20
///     // Needs at least 80×24
public struct TooSmallNotice: Sendable {
    public var minimumWidth: Int
    public var minimumHeight: Int

    public init(minimumWidth: Int = 80, minimumHeight: Int = 24) {
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
    }

    /// True when `area` is smaller than the minimum in either direction.
    public func applies(to area: Rect) -> Bool { area.width < minimumWidth || area.height < minimumHeight }

    public func lines(for area: Rect) -> [String] {
        [L.t("too_small.size", ["size": Format.digits("\(area.width)×\(area.height)")]),
         L.t("too_small.needs", ["size": Format.digits("\(minimumWidth)×\(minimumHeight)")]),
         L.t("too_small.hint")]
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        let lines = lines(for: area)
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < area.bottom {
            let row = Rect(x: area.x, y: top + i, width: area.width, height: 1)
            buffer.setLine(line, in: row, style: i == 0 ? Style().bold() : .plain, alignment: .center)
        }
    }
}
