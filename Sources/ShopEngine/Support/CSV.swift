/// RFC 4180 comma-separated values: a reader over the bytes of a UTF-8 file (quoted fields with
/// commas, doubled quotes and line breaks; a UTF-8 byte-order mark tolerated) and the writer
/// helpers the exports use (CRLF rows, quoting only where needed).
///
/// ```swift
/// try CSV.requireUTF8(bytes)                 // a Latin-1 or UTF-16 file is refused, with line and byte
/// for record in CSV.records(bytes) { … }     // record.line is where it starts in the file
/// ```
public enum CSV {
    /// One record (row) of the file, or why it could not be read.
    public struct Record: Sendable, Equatable {
        /// The file line (1-based) the record starts on; a quoted line break makes records span lines.
        public let line: Int
        public let fields: [String]
        /// Set when the record is malformed (an unterminated quote, text after a closing quote).
        public let problem: String?
    }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    // MARK: - Encoding

    /// Throws `not_utf8` naming the line and byte of the first invalid sequence (or the UTF-16 mark).
    public static func requireUTF8(_ bytes: [UInt8]) throws {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw ShopError.invalid("not_utf8", "The file is UTF-16, not UTF-8 (line 1, byte 1): save it as \"CSV UTF-8\"")
        }
        var line = 1, lineStart = 0, i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 {
                    throw notUTF8(line: line, column: i - lineStart + 1, byte: b, hint: "a NUL byte: UTF-16 or a binary file?")
                }
                if b == 0x0A { line += 1; lineStart = i + 1 }
                i += 1
                continue
            }
            let length: Int, minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; scalar = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; scalar = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; scalar = UInt32(b & 0x07); minimum = 0x10000
            default: throw notUTF8(line: line, column: i - lineStart + 1, byte: b, hint: nil)
            }
            guard i + length <= n else { throw notUTF8(line: line, column: i - lineStart + 1, byte: b, hint: "cut short at the end") }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { throw notUTF8(line: line, column: i - lineStart + 1, byte: b, hint: nil) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw notUTF8(line: line, column: i - lineStart + 1, byte: b, hint: nil)
            }
            i += length
        }
    }

    private static func notUTF8(line: Int, column: Int, byte: UInt8, hint: String?) -> ShopError {
        let hex = String(byte, radix: 16, uppercase: true)
        return ShopError.invalid("not_utf8", "The file is not UTF-8: line \(line), byte \(column) (0x\(hex.count < 2 ? "0" + hex : hex))"
                                 + (hint.map { ", \($0)" } ?? "") + ". Save it as \"CSV UTF-8\" and try again")
    }

    // MARK: - Reading

    /// The records of `bytes` (UTF-8, checked first with `requireUTF8`). A leading byte-order mark
    /// is skipped, rows end with LF or CRLF, blank lines are skipped. A malformed record carries a
    /// `problem`; reading goes on with the next line so every bad line can be reported.
    public static func records(_ bytes: [UInt8]) -> [Record] {
        var records: [Record] = []
        var reader = Reader(bytes)
        while let record = reader.next() { records.append(record) }
        return records
    }

    struct Reader {
        let bytes: [UInt8]
        var i: Int
        var line = 1

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            i = bytes.starts(with: CSV.bom) ? 3 : 0
        }

        mutating func next() -> Record? {
            // Skip blank lines.
            while i < bytes.count, bytes[i] == 0x0A || (bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
                if bytes[i] == 0x0D { i += 1 }
                i += 1; line += 1
            }
            guard i < bytes.count else { return nil }
            let startLine = line
            var fields: [String] = []
            var problem: String?
            while true {
                // One field.
                var value: [UInt8] = []
                if i < bytes.count, bytes[i] == 0x22 {
                    i += 1
                    var closed = false
                    while i < bytes.count {
                        let b = bytes[i]
                        if b == 0x22 {
                            if i + 1 < bytes.count, bytes[i + 1] == 0x22 { value.append(0x22); i += 2; continue }
                            i += 1; closed = true; break
                        }
                        if b == 0x0A { line += 1 }
                        value.append(b); i += 1
                    }
                    if !closed {
                        problem = "the quoted field starting on line \(startLine) is never closed"
                        fields.append(value.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) })
                        return Record(line: startLine, fields: fields, problem: problem)
                    }
                    // After a closing quote only a comma or the end of the row may follow.
                    if i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x0A, !(bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] == 0x0A)) {
                        if problem == nil { problem = "text after a closing quote in field \(fields.count + 1)" }
                        while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x0A { value.append(bytes[i]); i += 1 }
                    }
                } else {
                    while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x0A {
                        if bytes[i] == 0x22, problem == nil { problem = "a quote inside unquoted field \(fields.count + 1) (quote the whole field and double the quote)" }
                        value.append(bytes[i]); i += 1
                    }
                    if value.last == 0x0D, i == bytes.count || bytes[i] == 0x0A { value.removeLast() }
                }
                fields.append(value.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) })
                if i >= bytes.count { break }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x0D { i += 1 } // CRLF after a quoted field
                i += 1; line += 1               // LF
                break
            }
            return Record(line: startLine, fields: fields, problem: problem)
        }
    }

    // MARK: - Writing

    /// Appends `text` as one field: quoted when it holds a comma, a quote, a line break or
    /// leading/trailing spaces. Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`
    /// first) gets a leading apostrophe when `guardFormula` is set; the import takes it off again.
    static func appendField(_ text: String, to out: inout [UInt8], guardFormula: Bool = false) {
        let utf8 = text.utf8
        var needsQuotes = false
        for b in utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needsQuotes = true; break }
        if let first = utf8.first, first == 0x20 || first == 0x09 { needsQuotes = true }
        if let last = utf8.last, last == 0x20 || last == 0x09 { needsQuotes = true }
        var prefix = false
        if guardFormula, let first = utf8.first, isFormulaStart(first) { prefix = true }
        if !needsQuotes && !prefix { out.append(contentsOf: utf8); return }
        out.append(0x22)
        if prefix { out.append(0x27) }
        for b in utf8 {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    static func isFormulaStart(_ b: UInt8) -> Bool { b == 0x3D || b == 0x2B || b == 0x2D || b == 0x40 }

    /// Undoes `appendField`'s formula guard: `'=SUM(A1)` reads back as `=SUM(A1)`.
    static func unguardFormula(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count >= 2, utf8.first == 0x27, isFormulaStart(utf8[utf8.index(after: utf8.startIndex)]) else { return text }
        return String(text.dropFirst())
    }
}
