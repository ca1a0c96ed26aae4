import Foundation
import ShopEngine

/// How receipts reach the printer: plain text, or ESC/POS bytes for a thermal receipt printer.
public enum ReceiptFormat: String, Sendable, CaseIterable {
    case text, escpos
}

/// The few ESC/POS commands a counter needs, as bytes (Epson's reference; every thermal
/// receipt printer we know accepts them). The receipt text goes out as UTF-8: printers set to a
/// UTF-8 code page print it all; others print ASCII right and other letters wrong.
///
/// Persian (a line starting with the right-to-left mark, see `Receipt`): a printer prints bytes
/// left to right and does no bidi, so such a line is sent in its visual order — the amount on
/// the left, the words on the right read from the right, Persian digits — without the mark.
/// Letters are sent unshaped (U+06xx): a printer with a Persian/Arabic UTF-8 font shapes them
/// or prints their isolated forms, which stay readable. Exact shaping on any printer takes a
/// raster renderer: point `--receipt-command` at one; the saved .txt receipt is always exact.
///
/// ```swift
/// let bytes = EscPos.receipt(receipt.text)   // ESC @ · bold store name · lines · bold TOTAL · feed · cut
/// ```
public enum EscPos {
    /// `ESC @`: initialise (clears bold and other modes left by an earlier job).
    public static let initialize: [UInt8] = [0x1B, 0x40]
    /// `ESC E 1` / `ESC E 0`: bold on / off.
    public static let boldOn: [UInt8] = [0x1B, 0x45, 0x01]
    public static let boldOff: [UInt8] = [0x1B, 0x45, 0x00]
    /// `GS V 66 0`: feed to the cutter, then a partial cut.
    public static let cut: [UInt8] = [0x1D, 0x56, 0x42, 0x00]
    /// `ESC p 0 25 250`: a pulse on drawer pin 2, on for 50 ms and off for 500 ms (units of 2 ms).
    public static let drawerKick: [UInt8] = [0x1B, 0x70, 0x00, 0x19, 0xFA]
    /// Blank lines before the cut, so the last printed line clears the cutter.
    static let feedLines = 3

    /// A receipt as ESC/POS: initialise, the first line (the store name) and the TOTAL line in
    /// bold, every line ending in LF, a few blank lines, the cut.
    public static func receipt(_ text: String) -> [UInt8] {
        var out = initialize
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let firstPrinted = lines.firstIndex { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let totals = Language.allCases.map { language in L.withLanguage(language) { L.t("receipt.total", ["code": ""]) }.trimmingCharacters(in: .whitespaces) }
        for (i, marked) in lines.enumerated() {
            let (line, rightToLeft) = Receipt.direction(of: marked)
            let bold = i == firstPrinted || totals.contains { !$0.isEmpty && line.hasPrefix($0) }
            if bold { out += boldOn }
            out += Array((rightToLeft ? Self.visual(line) : line).utf8)
            if bold { out += boldOff }
            out.append(0x0A)
        }
        out += [UInt8](repeating: 0x0A, count: feedLines)
        out += cut
        return out
    }

    /// A right-to-left receipt line as printed left to right: the amount's column on the left,
    /// then the gap, then the words in their visual order.
    static func visual(_ line: String) -> String {
        let (left, right) = Receipt.columns(line)
        guard let right else { return Bidi.visualOrder(line, paragraph: .rightToLeft) }
        let gap = String(repeating: " ", count: max(1, TextWidth.of(line) - TextWidth.of(left) - TextWidth.of(right)))
        return Bidi.visualOrder(right, paragraph: .rightToLeft) + gap + Bidi.visualOrder(left, paragraph: .rightToLeft)
    }

    /// Opening the drawer on its own: initialise, then the kick.
    public static var openDrawer: [UInt8] { initialize + drawerKick }
}
