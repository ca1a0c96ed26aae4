/// Display reordering of right-to-left text (Persian, Arabic, Hebrew).
///
/// Terminals (and tmux, and ncurses) draw characters left to right in the order they arrive
/// and only *shape* Arabic letters; the order is the application's job. This is a pragmatic
/// subset of the Unicode Bidirectional Algorithm for one line without explicit embeddings:
/// RTL runs are reversed together with the spaces and punctuation between RTL words, while
/// digit sequences and Latin words inside them keep their left-to-right order. A line whose
/// first strong character is RTL is an RTL paragraph: its runs are laid out right to left.
///
///     Bidi.visualOrder("سلام دنیا")          // "ایند مالس"
///     Bidi.visualOrder("نان سنگک ۲ عدد")     // "دده ۲ کگنس نان"
///     Bidi.visualOrder("Price: قیمت")         // "Price: تمیق"
public enum Bidi {
    /// The line in display order (left to right). Lines without RTL characters are returned unchanged.
    public static func visualOrder(_ line: String, leftToRight forcedLTR: Bool = false) -> String {
        guard containsRTL(line) else { return line }
        let chars = Array(line)
        let levels = levels(of: chars, base: forcedLTR ? 0 : nil)
        return String(reorder(chars, levels: levels))
    }

    /// The line in display order as a paragraph of the given direction (the text's own first
    /// strong character does not matter): how a right-to-left screen lays out each string it
    /// writes, so Latin words and numbers keep their order inside while neutrals (spaces, `›`,
    /// `:`) at the edges follow the screen.
    ///
    ///     Bidi.visualOrder(" › Cart", paragraph: .rightToLeft)   // "Cart ‹ "
    public static func visualOrder(_ line: String, paragraph: LayoutDirection) -> String {
        if paragraph == .leftToRight { return visualOrder(line, leftToRight: true) }
        let chars = Array(line)
        let levels = levels(of: chars, base: 1)
        return String(reorder(chars, levels: levels))
    }

    /// How a right-to-left screen shows one separately written string: text with Persian in it
    /// as a right-to-left paragraph; Latin-only text in its own order, with the spaces and
    /// separators at its edges moved to the mirrored side (so `" › Cart"` after a store name
    /// reads `Cart ‹ ` and `2 kg` never becomes `kg 2`).
    ///
    ///     Bidi.mirroredLayoutOrder(" › Cart")   // "Cart › " (the buffer then mirrors › to ‹)
    public static func mirroredLayoutOrder(_ text: String) -> String {
        if containsRTL(text) { return visualOrder(text, paragraph: .rightToLeft) }
        let chars = Array(text)
        let isEdge: (Character) -> Bool = { $0.isWhitespace || "›‹»«·│|–—-".contains($0) }
        guard let first = chars.firstIndex(where: { !isEdge($0) }), let last = chars.lastIndex(where: { !isEdge($0) }) else {
            return String(chars.reversed())
        }
        return String(chars[(last + 1)...].reversed()) + String(chars[first...last]) + String(chars[..<first].reversed())
    }

    /// For each character of `line` (logical index), its index in the display order of a
    /// paragraph of direction `paragraph` (nil: from the first strong character). Text fields
    /// use it to draw the caret at its visual place.
    ///
    ///     Bidi.visualIndices(of: Array("ab"), paragraph: .rightToLeft)   // [0, 1]
    ///     Bidi.visualIndices(of: Array("سلام"), paragraph: .rightToLeft) // [3, 2, 1, 0]
    public static func visualIndices(of chars: [Character], paragraph: LayoutDirection?) -> [Int] {
        let levels = switch paragraph {
        case .rightToLeft: levels(of: chars, base: 1)
        case .leftToRight: levels(of: chars, base: 0)
        case nil: levels(of: chars, base: nil)
        }
        let order = visualSources(levels)
        var positions = Array(repeating: 0, count: chars.count)
        for (visual, source) in order.enumerated() { positions[source] = visual }
        return positions
    }

    /// True when the text has at least one strong right-to-left character.
    public static func containsRTL(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains { isRTL($0.value) }
    }

    /// True when the first strong character of `line` is right-to-left.
    public static func isRTLParagraph(_ line: some StringProtocol) -> Bool {
        for ch in line {
            switch bidiClass(ch) {
            case .rtl: return true
            case .ltr: return false
            default: continue
            }
        }
        return false
    }

    // MARK: - Classification

    enum BidiClass { case ltr, rtl, digit, separator, neutral }

    static func isRTL(_ v: UInt32) -> Bool {
        (0x0590...0x08FF).contains(v) && !isArabicDigit(v) && !isArabicNumberSign(v) && !isCombiningMark(v)
            || (0xFB1D...0xFDFF).contains(v) || (0xFE70...0xFEFE).contains(v)
            || (0x10800...0x10FFF).contains(v) || (0x1E800...0x1EFFF).contains(v)
    }

    /// ٪ ٫ ٬ (Arabic percent, decimal and thousands separators): part of a number, not letters.
    static func isArabicNumberSign(_ v: UInt32) -> Bool { (0x066A...0x066C).contains(v) }

    static func isArabicDigit(_ v: UInt32) -> Bool { (0x0660...0x0669).contains(v) || (0x06F0...0x06F9).contains(v) }

    static func isCombiningMark(_ v: UInt32) -> Bool { TextWidth.of(Unicode.Scalar(v)!) == 0 }

    static func bidiClass(_ ch: Character) -> BidiClass {
        guard let v = ch.unicodeScalars.first?.value else { return .neutral }
        if isRTL(v) { return .rtl }
        if (0x30...0x39).contains(v) || isArabicDigit(v) { return .digit }
        // Number separators and terminators: part of a number when next to digits (UBA W4/W5).
        if ".,:/٫٬٪%$€£+-".unicodeScalars.contains(where: { $0.value == v }) { return .separator }
        if ch.isLetter { return .ltr }
        return .neutral
    }

    // MARK: - Levels

    /// `leftToRight` forces a left-to-right paragraph (columns of a receipt or a table row built
    /// as one string), whatever its first strong character is.
    /// The levels of `chars` in a paragraph of `base` (nil: the first strong character's),
    /// brackets paired first so `Green tea (sencha)` keeps its `)` in a Persian line (UBA N0).
    static func levels(of chars: [Character], base forcedBase: Int?) -> [Int] {
        var classes = chars.map(bidiClass)
        let base = forcedBase ?? (classes.first { $0 == .ltr || $0 == .rtl } == .rtl ? 1 : 0)
        resolveBracketPairs(chars, &classes, base: base)
        return resolveLevels(classes, base: base)
    }

    /// UBA N0, simplified: a matched bracket pair takes the paragraph's direction when its inside
    /// has a strong character of that direction (digits count as right to left); else the
    /// opposite direction when its inside has it and so does the text before the pair.
    static func resolveBracketPairs(_ chars: [Character], _ classes: inout [BidiClass], base: Int) {
        let openers: [Character: Character] = ["(": ")", "[": "]", "{": "}", "«": "»"]
        var open: [(close: Character, at: Int)] = []
        var pairs: [(Int, Int)] = []
        for (i, ch) in chars.enumerated() {
            if let close = openers[ch] {
                if open.count < 63 { open.append((close, i)) }
            } else if let k = open.lastIndex(where: { $0.close == ch }) {
                pairs.append((open[k].at, i))
                open.removeSubrange(k...)
            }
        }
        let embedding: BidiClass = base == 1 ? .rtl : .ltr
        func strong(_ c: BidiClass) -> BidiClass? {
            switch c {
            case .ltr: .ltr
            case .rtl, .digit: .rtl
            default: nil
            }
        }
        for (o, c) in pairs.sorted(by: { $0.0 < $1.0 }) {
            let inside = classes[(o + 1)..<c].compactMap(strong)
            var direction: BidiClass?
            if inside.contains(embedding) {
                direction = embedding
            } else if let opposite = inside.first {
                let before = classes[..<o].reversed().lazy.compactMap(strong).first ?? embedding
                direction = before == opposite ? opposite : embedding
            }
            if let direction { classes[o] = direction; classes[c] = direction }
        }
    }

    static func resolveLevels(_ input: [BidiClass], leftToRight: Bool = false) -> [Int] {
        resolveLevels(input, base: leftToRight ? 0 : nil)
    }

    /// `base`: 0 (left to right), 1 (right to left), or nil for the first strong character's.
    static func resolveLevels(_ input: [BidiClass], base forcedBase: Int?) -> [Int] {
        var classes = input
        let n = classes.count
        // Separators touching a digit belong to the number.
        for i in 0..<n where classes[i] == .separator {
            let prevDigit = i > 0 && classes[i - 1] == .digit
            let nextDigit = i + 1 < n && classes[i + 1] == .digit
            classes[i] = (prevDigit || nextDigit) ? .digit : .neutral
        }
        let base = forcedBase ?? (classes.first { $0 == .ltr || $0 == .rtl } == .rtl ? 1 : 0)
        // Digits after strong L (or at the start of an LTR paragraph) are plain L (UBA W7).
        var lastStrong: BidiClass = base == 1 ? .rtl : .ltr
        for i in 0..<n {
            switch classes[i] {
            case .ltr, .rtl: lastStrong = classes[i]
            case .digit where lastStrong == .ltr: classes[i] = .ltr
            default: break
            }
        }
        // Neutrals between two same-direction neighbours take that direction, else the base (N1/N2).
        // Digits count as RTL for this purpose.
        func direction(_ c: BidiClass) -> BidiClass? {
            switch c {
            case .ltr: .ltr
            case .rtl, .digit: .rtl
            default: nil
            }
        }
        var i = 0
        while i < n {
            guard direction(classes[i]) == nil else { i += 1; continue }
            var j = i
            while j < n, direction(classes[j]) == nil { j += 1 }
            let before = i > 0 ? direction(classes[i - 1])! : (base == 1 ? .rtl : .ltr)
            let after = j < n ? direction(classes[j])! : (base == 1 ? .rtl : .ltr)
            let resolved: BidiClass = before == after ? before : (base == 1 ? .rtl : .ltr)
            for k in i..<j { classes[k] = resolved }
            i = j
        }
        // Implicit levels (I1/I2).
        return classes.map { c in
            switch (c, base) {
            case (.rtl, 0): 1
            case (.digit, 0): 2
            case (.ltr, 1), (.digit, 1): 2
            case (.rtl, 1): 1
            default: 0
            }
        }
    }

    // MARK: - Reordering

    static func reorder(_ chars: [Character], levels: [Int]) -> [Character] {
        var out = chars
        for (pos, source) in visualSources(levels).enumerated() {
            // L4: mirrored glyphs inside RTL runs.
            out[pos] = levels[source] % 2 == 1 ? mirrored(chars[source]) : chars[source]
        }
        return out
    }

    /// For each display position, the logical index shown there (UBA L2).
    static func visualSources(_ levels: [Int]) -> [Int] {
        var idx = Array(levels.indices)
        let maxLevel = levels.max() ?? 0
        let minOdd = levels.filter { $0 % 2 == 1 }.min() ?? 1
        // L2: from the highest level down to the lowest odd one, reverse every run at that level or above.
        var level = maxLevel
        while level >= minOdd {
            var i = 0
            while i < idx.count {
                guard levels[idx[i]] >= level else { i += 1; continue }
                var j = i
                while j < idx.count, levels[idx[j]] >= level { j += 1 }
                idx[i..<j].reverse()
                i = j
            }
            level -= 1
        }
        return idx
    }

    static func mirrored(_ ch: Character) -> Character {
        switch ch {
        case "(": ")"
        case ")": "("
        case "[": "]"
        case "]": "["
        case "{": "}"
        case "}": "{"
        case "<": ">"
        case ">": "<"
        case "«": "»"
        case "»": "«"
        default: ch
        }
    }
}
