/// The engine writes SQLite's `?` placeholders; PostgreSQL numbers them (`$1`, `$2`, …).
/// `?` becomes the next number, `?NNN` keeps its number (and later `?`s count on from the largest,
/// as in SQLite). Quoted strings, quoted identifiers and comments are copied as they are.
///
/// ```swift
/// Placeholders.numbered("SELECT '?' || name FROM t WHERE a = ? AND b = ?")  // … a = $1 AND b = $2
/// ```
enum Placeholders {
    static func numbered(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var next = 1
        var i = 0
        func copy(until end: Int) { out.append(contentsOf: bytes[i..<min(end, bytes.count)]); i = min(end, bytes.count) }
        func index(of byte: UInt8, from start: Int) -> Int { bytes[start...].firstIndex(of: byte).map { $0 + 1 } ?? bytes.count }
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // '' inside a string ends it and starts another: copying both halves is the same.
                copy(until: index(of: bytes[i], from: i + 1))
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                copy(until: index(of: UInt8(ascii: "\n"), from: i + 2))
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                var end = i + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) { end += 1 }
                copy(until: end + 2)
            case UInt8(ascii: "?"):
                var end = i + 1
                while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
                let number = end > i + 1 ? Int(String(decoding: bytes[(i + 1)..<end], as: UTF8.self))! : next
                next = max(next, number + 1)
                out.append(UInt8(ascii: "$"))
                out.append(contentsOf: String(number).utf8)
                i = end
            default:
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
