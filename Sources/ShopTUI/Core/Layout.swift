/// How much space one part of a layout wants.
public enum Constraint: Hashable, Sendable {
    /// Exactly `n` cells (less if the area runs out).
    case length(Int)
    /// `p` percent of the whole area.
    case percentage(Int)
    /// At least `n` cells, and a share of the leftover like `fill(1)`.
    case min(Int)
    /// A share of the leftover space proportional to the weight.
    case fill(Int)
}

/// Splits a rect into rows or columns by constraints.
///
///     let rows = Layout.vertical([.length(1), .fill(1), .length(1)]).split(area)
///     // rows[0]: title bar, rows[1]: content, rows[2]: footer
///     let cols = Layout.horizontal([.percentage(30), .fill(1)], spacing: 1).split(rows[1])
public struct Layout: Sendable {
    public enum Direction: Sendable { case vertical, horizontal }

    public var direction: Direction
    public var constraints: [Constraint]
    /// Cells left empty between parts.
    public var spacing: Int

    public init(_ direction: Direction, _ constraints: [Constraint], spacing: Int = 0) {
        self.direction = direction
        self.constraints = constraints
        self.spacing = spacing
    }

    public static func vertical(_ constraints: [Constraint], spacing: Int = 0) -> Layout { Layout(.vertical, constraints, spacing: spacing) }
    public static func horizontal(_ constraints: [Constraint], spacing: Int = 0) -> Layout { Layout(.horizontal, constraints, spacing: spacing) }

    /// The sizes of the parts along the layout's direction for a total of `total` cells.
    public func sizes(total: Int) -> [Int] {
        let n = constraints.count
        guard n > 0 else { return [] }
        let available = Swift.max(0, total - spacing * (n - 1))
        var sizes = constraints.map { c -> Int in
            switch c {
            case .length(let l): Swift.max(0, l)
            case .percentage(let p): available * Swift.max(0, p) / 100
            case .min(let m): Swift.max(0, m)
            case .fill: 0
            }
        }
        // Fixed parts claim space in order; later ones shrink when the area runs out.
        var used = 0
        for i in sizes.indices {
            sizes[i] = Swift.min(sizes[i], available - used)
            used += sizes[i]
        }
        // Leftover goes to fill/min parts by weight; the last of them takes the rounding remainder.
        let weights = constraints.map { c -> Int in
            switch c {
            case .fill(let w): Swift.max(0, w)
            case .min: 1
            default: 0
            }
        }
        let totalWeight = weights.reduce(0, +)
        let leftover = available - used
        if leftover > 0, totalWeight > 0 {
            var given = 0
            let last = weights.lastIndex { $0 > 0 }!
            for i in sizes.indices where weights[i] > 0 {
                let share = i == last ? leftover - given : leftover * weights[i] / totalWeight
                sizes[i] += share
                given += share
            }
        }
        return sizes
    }

    /// The parts of `area`, one rect per constraint.
    public func split(_ area: Rect) -> [Rect] {
        let total = direction == .vertical ? area.height : area.width
        var offset = 0
        return sizes(total: total).map { size in
            defer { offset += size + spacing }
            let start = Swift.min(offset, total)
            switch direction {
            case .vertical: return Rect(x: area.x, y: area.y + start, width: area.width, height: size)
            case .horizontal: return Rect(x: area.x + start, y: area.y, width: size, height: area.height)
            }
        }
    }
}
