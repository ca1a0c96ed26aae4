import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// `PUT /api/v1/admin/users/{id}/photo`: staff set a customer's photo with the image bytes.
@Suite("API user photos set by staff")
struct APIUserPhotoTests {
    @Test("staff set a customer's photo (204) and the customer gets it from /me/photo; a customer is refused (403) and nothing is written")
    func staffSetsCustomerPhoto() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let customer = try api.signIn(phone: "+15550001234")
        let other = try api.signIn(phone: "+15550005678")

        let refused = api.call("PUT", "/admin/users/\(other.userID)/photo", body: TestImages.png, contentType: "image/png", token: customer.access)
        #expect(refused.status == 403 && refused.string("code") == "forbidden")
        #expect(api.call("GET", "/me/photo", token: other.access).status == 404, "nothing written")
        #expect(api.call("PUT", "/admin/users/\(other.userID)/photo", body: TestImages.png, contentType: "image/png").status == 401)

        #expect(api.call("PUT", "/admin/users/\(customer.userID)/photo", body: TestImages.png, contentType: "image/png", token: staff.access).status == 204)
        #expect(api.call("GET", "/me/photo", token: customer.access).body == TestImages.png)
        #expect(api.call("GET", "/me", token: customer.access).object["has_photo"] as? Bool == true)
        #expect(api.call("PUT", "/admin/users/99999/photo", body: TestImages.png, contentType: "image/png", token: staff.access).status == 404)
    }

    @Test("a bad image is refused like any upload (415, 413) and the customer's photo is unchanged")
    func badImages() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let customer = try api.signIn(phone: "+15550001234")
        let path = "/admin/users/\(customer.userID)/photo"
        let gif = api.call("PUT", path, body: Array("GIF89a-not-allowed".utf8), contentType: "image/png", token: staff.access)
        #expect(gif.status == 415 && gif.string("code") == "unsupported_image")
        #expect(api.call("PUT", path, body: TestImages.png, contentType: "image/jpeg", token: staff.access).status == 415)
        #expect(api.call("PUT", path, json: ["photo": "x"], token: staff.access).status == 415)
        #expect(api.call("PUT", path, body: TestImages.pngSized(2 * 1024 * 1024 + 1), contentType: "image/png", token: staff.access).status == 413)
        #expect(api.call("GET", "/me/photo", token: customer.access).status == 404, "nothing written")
    }
}
