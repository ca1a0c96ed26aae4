import Testing
@testable import ShopTUI

/// Compares screen lines with expected lines (expected ones are padded with spaces to the
/// screen width); a failure prints both grids one above the other, like a text diff.
func expectGrid(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let width = actual.map { TextWidth.of($0) }.max() ?? 0
    let padded = expected.map { $0 + String(repeating: " ", count: max(0, width - TextWidth.of($0))) }
    guard actual != padded else { return }
    var report = "screens differ\nexpected:\n"
    for line in padded { report += "|\(line)|\n" }
    report += "actual:\n"
    for (i, line) in actual.enumerated() {
        report += "|\(line)|" + (i < padded.count && padded[i] == line ? "\n" : "   <-- differs\n")
    }
    Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}

func expectGrid(_ buffer: Buffer, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    expectGrid(buffer.lines, expected, sourceLocation: sourceLocation)
}

/// A blank buffer of `width`×`height` at the origin.
func blank(_ width: Int, _ height: Int) -> Buffer { Buffer(area: Rect(width: width, height: height)) }
