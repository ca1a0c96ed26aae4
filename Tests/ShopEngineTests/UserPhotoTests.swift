import Foundation
import Testing
@testable import ShopEngine

/// Staff set a customer's profile photo at the counter (`admin.setUserPhoto`), with the same
/// image checks as a customer's own upload.
@Suite("User photos set by staff")
struct UserPhotoTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 64)
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 64)

    func photoRows(_ t: TestShop) throws -> Int64 {
        try t.shop.store.read { db in try db.scalarInt("SELECT COUNT(*) FROM user_photos") ?? 0 }
    }

    @Test("staff set a customer's photo; the customer sees it as their own, and it can be replaced")
    func staffSetsCustomerPhoto() throws {
        let t = try TestShop()
        let customer = try t.customer()
        let staff = try t.staff()
        try t.shop.admin.setUserPhoto(userID: customer.user.id, bytes: Self.png, contentType: "image/png", caller: staff.caller)
        #expect(try t.shop.accounts.photo(caller: customer.caller) == Photo(contentType: "image/png", bytes: Self.png))
        #expect(try t.shop.accounts.profile(caller: customer.caller).hasPhoto)
        #expect(try t.shop.admin.userPhoto(userID: customer.user.id, caller: staff.caller).bytes == Self.png)
        try t.shop.admin.setUserPhoto(userID: customer.user.id, bytes: Self.jpeg, contentType: nil, caller: staff.caller)
        #expect(try t.shop.accounts.photo(caller: customer.caller).contentType == "image/jpeg")
        #expect(try photoRows(t) == 1)
    }

    @Test("a customer may not set anyone's photo, not even their own, this way; staff may not set another staff member's; admins may")
    func whoMay() throws {
        let t = try TestShop()
        let customer = try t.customer()
        let other = try t.customer("+15550002222")
        let staff = try t.staff()
        let colleague = try t.staff("+15550008888")
        let admin = try t.staff("+15550007777", role: .admin)
        expectError("forbidden") { try t.shop.admin.setUserPhoto(userID: other.user.id, bytes: Self.png, contentType: "image/png", caller: customer.caller) }
        expectError("forbidden") { try t.shop.admin.setUserPhoto(userID: customer.user.id, bytes: Self.png, contentType: "image/png", caller: customer.caller) }
        expectError("forbidden", "a customer is refused before the image is looked at") {
            try t.shop.admin.setUserPhoto(userID: other.user.id, bytes: Array("GIF89a".utf8), contentType: "image/gif", caller: customer.caller)
        }
        expectError("forbidden") { try t.shop.admin.userPhoto(userID: customer.user.id, caller: other.caller) }
        expectError("forbidden") { try t.shop.admin.setUserPhoto(userID: colleague.user.id, bytes: Self.png, contentType: "image/png", caller: staff.caller) }
        expectError("not_found") { try t.shop.admin.setUserPhoto(userID: 987_654, bytes: Self.png, contentType: "image/png", caller: staff.caller) }
        #expect(try photoRows(t) == 0, "nothing written")
        try t.shop.admin.setUserPhoto(userID: colleague.user.id, bytes: Self.png, contentType: "image/png", caller: admin.caller)
        #expect(try photoRows(t) == 1)
    }

    @Test("a bad image is refused with the same codes as a customer's own upload, and nothing is written")
    func badImages() throws {
        let t = try TestShop()
        let customer = try t.customer()
        let staff = try t.staff()
        let id = customer.user.id
        expectError("unsupported_image") { try t.shop.admin.setUserPhoto(userID: id, bytes: Array("GIF89a".utf8), contentType: nil, caller: staff.caller) }
        expectError("image_type_mismatch") { try t.shop.admin.setUserPhoto(userID: id, bytes: Self.png, contentType: "image/jpeg", caller: staff.caller) }
        expectError("empty_image") { try t.shop.admin.setUserPhoto(userID: id, bytes: [], contentType: "image/png", caller: staff.caller) }
        expectError("image_too_large") { try t.shop.admin.setUserPhoto(userID: id, bytes: Self.png + [UInt8](repeating: 0, count: Photo.maxBytes), contentType: "image/png", caller: staff.caller) }
        #expect(try photoRows(t) == 0)
        #expect(try !t.shop.accounts.profile(caller: customer.caller).hasPhoto)
        expectError("not_found") { try t.shop.admin.userPhoto(userID: id, caller: staff.caller) }
    }
}
