/// A rectangle of cells, in absolute terminal coordinates (0,0 is the top-left).
///
///     let area = Rect(x: 0, y: 0, width: 80, height: 24)
///     let (header, rest) = area.splitTop(1)
///     let box = area.centered(width: 40, height: 10)
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int = 0, y: Int = 0, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Rect(width: 0, height: 0)

    public var left: Int { x }
    public var top: Int { y }
    /// One past the last column.
    public var right: Int { x + width }
    /// One past the last row.
    public var bottom: Int { y + height }
    public var area: Int { width * height }
    public var isEmpty: Bool { width == 0 || height == 0 }
    public var description: String { "Rect(\(x),\(y) \(width)×\(height))" }

    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < right && py >= y && py < bottom }

    /// The rect shrunk by `margin` cells on every side.
    public func inner(_ margin: Int) -> Rect { inner(horizontal: margin, vertical: margin) }

    /// The rect shrunk by `horizontal` cells left and right and `vertical` cells top and bottom.
    public func inner(horizontal: Int, vertical: Int) -> Rect {
        let w = max(0, width - 2 * horizontal), h = max(0, height - 2 * vertical)
        return Rect(x: x + min(horizontal, width / 2), y: y + min(vertical, height / 2), width: w, height: h)
    }

    /// The overlap of two rects (empty when they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(right, other.right), y1 = min(bottom, other.bottom)
        guard x1 > x0, y1 > y0 else { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    // MARK: - Splitting

    /// The first `rows` rows and the rest.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let n = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: n), Rect(x: x, y: y + n, width: width, height: height - n))
    }

    /// The rest and the last `rows` rows.
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let n = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - n), Rect(x: x, y: bottom - n, width: width, height: n))
    }

    /// The first `columns` columns and the rest.
    public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let n = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: n, height: height), Rect(x: x + n, y: y, width: width - n, height: height))
    }

    /// Row `i` of this rect as a one-row rect.
    public func row(_ i: Int) -> Rect { Rect(x: x, y: y + i, width: width, height: i < height ? 1 : 0) }

    /// A rect of at most `width`×`height` centered in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }
}
