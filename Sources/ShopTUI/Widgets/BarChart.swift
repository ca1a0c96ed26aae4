/// Vertical bars of block characters (`▁▂▃▄▅▆▇█`, eighths of a cell), with the scale on the
/// left (the top value and 0) and each bar's label under it (the latest always). The bars are characters, not
/// colours, and stand one column apart while there is room, so the chart reads the same in 8
/// colours and in monochrome.
///
///     BarChart(bars: [.init("9", 1000), .init("10", 0), .init("11", 1250)], format: { currency.format($0) })
///         .render(into: &buffer, area: Rect(x: 0, y: 0, width: 20, height: 4))
///     // 12.50┤▃   █
///     //      │█   █
///     //  0.00┤█   █
///     //      └9   11       ("10" would touch "11": left out)
public struct BarChart: Sendable {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int64
        public init(_ label: String, _ value: Int64) { self.label = label; self.value = value }
    }

    public var bars: [Bar]
    /// How a value is written on the scale.
    public var format: @Sendable (Int64) -> String
    /// The widest a bar gets; bars narrow (then lose their gap) to fit the area.
    public var barWidth: Int
    public var barStyle: Style
    public var axisStyle: Style

    public init(bars: [Bar], format: @escaping @Sendable (Int64) -> String = { "\($0)" }, barWidth: Int = 1,
                barStyle: Style = Theme.title, axisStyle: Style = Theme.muted) {
        self.bars = bars
        self.format = format
        self.barWidth = barWidth
        self.barStyle = barStyle
        self.axisStyle = axisStyle
    }

    /// Partial cells from one eighth to seven eighths.
    static let eighths: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇"]

    /// The bar width and gap that fit `count` bars in `width` columns: `barWidth` and a gap
    /// of 1 if they fit, else narrower bars, and only at 1 column wide without the gap.
    func geometry(count: Int, width: Int) -> (bar: Int, gap: Int) {
        var bar = max(1, barWidth), gap = 1
        while count * bar + (count - 1) * gap > width {
            if bar > 1 { bar -= 1 } else if gap > 0 { gap = 0 } else { break }
        }
        return (bar, gap)
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard area.height >= 2, !bars.isEmpty else { return }
        let top = max(0, bars.map(\.value).max() ?? 0)
        let topText = format(top), zeroText = format(0)
        let labelWidth = max(TextWidth.of(topText), TextWidth.of(zeroText))
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: max(0, area.width - labelWidth - 1), height: area.height - 1)
        guard plot.width > 0 else { return }

        // The scale: the top value on the first row, 0 on the last row of bars.
        for row in 0..<plot.height {
            buffer.set(plot.x - 1, plot.y + row, row == 0 || row == plot.height - 1 ? "┤" : "│", style: axisStyle)
        }
        buffer.setLine(zeroText, in: Rect(x: area.x, y: plot.bottom - 1, width: labelWidth, height: 1), style: axisStyle, alignment: .right)
        buffer.setLine(topText, in: Rect(x: area.x, y: plot.y, width: labelWidth, height: 1), style: axisStyle, alignment: .right)
        buffer.set(plot.x - 1, plot.bottom, "└", style: axisStyle)

        let (bar, gap) = geometry(count: bars.count, width: plot.width)
        let eighthsHigh = Double(plot.height * 8)
        // Labels go from the right, so the latest bar (this hour, today) is always labelled;
        // a label that would run into the one after it is left out (every other hour, say).
        var labelsEndBefore = area.right + 1
        for (i, item) in bars.enumerated().reversed() {
            let x = plot.x + i * (bar + gap)
            guard x + bar <= plot.right, !item.label.isEmpty else { continue }
            if x + TextWidth.of(item.label) < labelsEndBefore, x + TextWidth.of(item.label) <= area.right {
                buffer.setString(x, plot.bottom, item.label, style: axisStyle)
                labelsEndBefore = x
            }
        }
        for (i, item) in bars.enumerated() {
            let x = plot.x + i * (bar + gap)
            guard x + bar <= plot.right else { break }
            // A sale, however small beside the best one, shows at least an eighth.
            let units = item.value <= 0 || top == 0 ? 0 : max(1, Int((Double(item.value) / Double(top) * eighthsHigh).rounded()))
            for row in 0..<plot.height {
                let filled = units - row * 8
                guard filled > 0 else { break }
                let symbol: Character = filled >= 8 ? "█" : Self.eighths[filled - 1]
                for dx in 0..<bar { buffer.set(x + dx, plot.bottom - 1 - row, symbol, style: barStyle) }
            }
        }
    }
}
