import Foundation

/// Keyset pagination: a cursor is an opaque base64url string naming the last row seen
/// (its id and the value of the sort column).
struct PageCursor: Codable, Equatable {
    var id: Int64
    var text: String?
    var number: Int64?
}

enum Pagination {
    static let maxLimit = 100

    static func limit(_ value: Int) throws -> Int {
        guard (1...maxLimit).contains(value) else {
            throw ShopError.invalid("invalid_limit", "limit must be between 1 and \(maxLimit)", field: "limit")
        }
        return value
    }

    static let badCursor = ShopError.invalid("invalid_cursor", "The cursor is not valid; start from the first page", field: "cursor")

    static func encode(_ cursor: PageCursor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Base64URL.encode([UInt8]((try? encoder.encode(cursor)) ?? Data()))
    }

    static func decode(_ cursor: String) throws -> PageCursor {
        guard cursor.utf8.count <= 1024, let bytes = Base64URL.decode(Substring(cursor)),
              let value = try? JSONDecoder().decode(PageCursor.self, from: Data(bytes)) else { throw badCursor }
        return value
    }

    static func encodeID(_ id: Int64) -> String { encode(PageCursor(id: id)) }
    static func decodeID(_ cursor: String) throws -> Int64 { try decode(cursor).id }
}
