import Foundation
import Testing
@testable import ShopEngine

@Suite("Password accounts")
struct PasswordAccountTests {
    func form(_ username: String = "nima", email: String = "nima@example.com", password: String = "s3cret-pass", confirm: String? = nil, phone: String? = nil) -> AccountService.Registration {
        .init(username: username, email: email, password: password, passwordConfirm: confirm ?? password, firstName: "Nima", lastName: "Javan", phone: phone, address: "Tabriz")
    }

    @Test("registering creates a NEW account, sends an email code, and verification makes it VERIFIED")
    func registerAndVerify() throws {
        let t = try TestShop()
        let signIn = try t.shop.accounts.register(form(), caller: t.guest)
        #expect(signIn.user.authStatus == .new)
        #expect(signIn.user.isNew)
        let code = try #require(t.lastCode(to: "nima@example.com"))
        expectError("invalid_code") { try t.shop.accounts.verifyEmail(code: code == "000000" ? "111111" : "000000", caller: signIn.caller) }
        #expect(!signIn.user.emailVerified)
        let user = try t.shop.accounts.verifyEmail(code: code, caller: signIn.caller)
        #expect(user.authStatus == .verified)
        #expect(user.emailVerified)
        expectError("already_verified") { try t.shop.accounts.verifyEmail(code: code, caller: signIn.caller) }
    }

    @Test("resending the email code has a cooldown")
    func resendCooldown() throws {
        let t = try TestShop()
        let signIn = try t.shop.accounts.register(form(), caller: t.guest)
        expectError("too_many_requests") { try t.shop.accounts.resendEmailCode(caller: signIn.caller) }
        t.clock.advance(60)
        try t.shop.accounts.resendEmailCode(caller: signIn.caller)
        #expect(t.messages().filter { $0.to == "nima@example.com" }.count == 2)
    }

    @Test("weak, mismatched and malformed registrations are refused, naming the field")
    func badRegistrations() throws {
        let t = try TestShop()
        let cases: [(AccountService.Registration, String)] = [
            (form(password: "short"), "weak_password"),
            (form(password: String(repeating: "x", count: 129)), "weak_password"),
            (form(confirm: "s3cret-pasS"), "password_mismatch"),
            (form("a"), "invalid_username"),
            (form("has space"), "invalid_username"),
            (form(email: "not-an-email"), "invalid_email"),
            (form(phone: "12"), "invalid_phone"),
        ]
        for (bad, code) in cases {
            expectError(code) { try t.shop.accounts.register(bad, caller: t.guest) }
        }
        #expect(try t.shop.admin.localListUsers().isEmpty)
    }

    @Test("registration reports a taken username but never whether an email or phone has an account; their owner is told")
    func duplicates() throws {
        let t = try TestShop()
        let owner = try t.customer("+15550001111")
        _ = try t.shop.accounts.updateProfile(.init(email: "nima@example.com"), caller: owner.caller)
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: owner.caller)
        _ = try t.shop.accounts.register(form("first"), caller: t.guest)   // an unverified claim on the same email reserves nothing
        expectError("username_taken") { try t.shop.accounts.register(form("FIRST", email: "other@example.com"), caller: t.guest) }
        let before = t.messages().count
        let other = try t.shop.accounts.register(form("other", email: "Nima@Example.com", phone: "+15550001111"), caller: t.guest)
        #expect(other.user.isNew)
        #expect(!other.user.emailVerified && !other.user.phoneVerified)
        let sent = t.messages().dropFirst(before)
        #expect(sent.count == 2)
        #expect(sent.allSatisfy { $0.text.contains("Someone tried to add") && !$0.text.contains(where: \.isNumber) }, "the owner gets a notice, not a code")
    }

    @Test("login works by username, and by email or phone only once verified; it fails with one generic message")
    func login() throws {
        let t = try TestShop()
        let me = try t.shop.accounts.register(form(phone: "09141883291"), caller: t.guest)
        for login in ["NIMA@example.com", "+989141883291"] {
            expectError("invalid_credentials", "\(login) is not proven yet") { try t.shop.accounts.login(login, password: "s3cret-pass", caller: t.guest) }
        }
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: me.caller)
        let user = try t.shop.accounts.verifyPhone(code: try #require(t.lastCode(to: "+989141883291")), caller: me.caller)
        #expect(user.phoneVerified && user.emailVerified)
        for login in ["nima", "NIMA@example.com", "+989141883291", "09141883291"] {
            #expect(try t.shop.accounts.login(login, password: "s3cret-pass", caller: t.guest).user.username == "nima")
        }
        var messages = Set<String>()
        for (login, password) in [("nima", "wrong-pass"), ("nobody", "s3cret-pass"), ("", "x")] {
            do { _ = try t.shop.accounts.login(login, password: password, caller: t.guest); Issue.record("login should fail") }
            catch let error as ShopError { #expect(error.code == "invalid_credentials"); messages.insert(error.message) }
        }
        #expect(messages.count == 1, "unknown accounts and wrong passwords look the same")
    }

    @Test("a phone registered by someone else stays theirs to prove: its owner signing in by code gets their own account")
    func phoneNotHijacked() throws {
        let t = try TestShop()
        let attacker = try t.shop.accounts.register(form("mallory", email: "m@example.com", phone: "+15550002222"), caller: t.guest)
        #expect(!attacker.user.phoneVerified)
        let owner = try t.customer("+15550002222")
        #expect(owner.user.isNew, "the owner lands in a new account of their own")
        #expect(owner.user.id != attacker.user.id)
        #expect(owner.user.phoneVerified)
        // The attacker's claim is gone, and the phone does not open their account.
        #expect(try t.shop.accounts.profile(caller: attacker.caller).phone == nil)
        expectError("invalid_credentials") { try t.shop.accounts.login("+15550002222", password: "s3cret-pass", caller: t.guest) }
        t.clock.advance(61)
        expectError("already_verified") { try t.shop.accounts.verifyPhone(code: "123456", caller: attacker.caller) }
    }

    @Test("an unverified email neither signs in nor resets a password, and its real owner can still verify it")
    func emailNotHijacked() throws {
        let t = try TestShop()
        let attacker = try t.shop.accounts.register(form("mallory", email: "nima@example.com"), caller: t.guest)
        try t.shop.accounts.forgotPassword(login: "nima@example.com", caller: t.guest)
        try t.shop.accounts.forgotPassword(login: "mallory", caller: t.guest)
        #expect(!t.messages().contains { $0.text.contains("reset") }, "no reset code goes to an unproven address")
        expectError("invalid_credentials") { try t.shop.accounts.login("nima@example.com", password: "s3cret-pass", caller: t.guest) }
        // The owner registers with their own address and proves it: verification wins.
        let owner = try t.shop.accounts.register(form("nima"), caller: t.guest)
        let verified = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: owner.caller)
        #expect(verified.emailVerified)
        #expect(try t.shop.accounts.profile(caller: attacker.caller).email == nil)
        #expect(try t.shop.accounts.login("nima@example.com", password: "s3cret-pass", caller: t.guest).user.id == owner.user.id)
    }

    @Test("changing the email goes back to NEW with a new code; the proven one keeps working until then")
    func changeEmail() throws {
        let t = try TestShop()
        let me = try t.customer()
        #expect(me.user.authStatus == .verified)
        let added = try t.shop.accounts.updateProfile(.init(email: "a@example.com"), caller: me.caller)
        #expect(added.authStatus == .new, "a phone account that adds an email is not verified by that")
        #expect(!added.emailVerified)
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "a@example.com")), caller: me.caller)
        t.clock.advance(61)
        let changed = try t.shop.accounts.updateProfile(.init(email: "b@example.com"), caller: me.caller)
        #expect(changed.email == "b@example.com" && changed.authStatus == .new)
        #expect(t.lastCode(to: "b@example.com") != nil)
    }

    @Test("a phone added in the profile waits for its code and reserves nothing")
    func addPhone() throws {
        let t = try TestShop()
        let me = try t.shop.accounts.register(form(), caller: t.guest)
        let added = try t.shop.accounts.updateProfile(.init(phone: "+15550003333"), caller: me.caller)
        #expect(added.phone == "+15550003333" && !added.phoneVerified)
        expectError("invalid_code") { try t.shop.accounts.verifyPhone(code: t.lastCode(to: "+15550003333") == "000000" ? "111111" : "000000", caller: me.caller) }
        let user = try t.shop.accounts.verifyPhone(code: try #require(t.lastCode(to: "+15550003333")), caller: me.caller)
        #expect(user.phoneVerified)
        expectError("phone_locked") { try t.shop.accounts.updateProfile(.init(phone: "+15550004444"), caller: me.caller) }
    }

    @Test("wrong reset and verification codes are capped per account per day")
    func dailyCodeCap() throws {
        let t = try TestShop()
        let me = try t.shop.accounts.register(form(), caller: t.guest)
        let code = try #require(t.lastCode(to: "nima@example.com"))
        let wrong = code == "000000" ? "111111" : "000000"
        var codes: [String] = []
        for round in 0..<3 {   // a new code each time: the cap is per account, not per code
            if round > 0 { t.clock.advance(61); try t.shop.accounts.resendEmailCode(caller: me.caller) }
            for _ in 0..<4 { do { _ = try t.shop.accounts.verifyEmail(code: wrong, caller: me.caller) } catch let e as ShopError { codes.append(e.code) } }
        }
        #expect(codes.filter { $0 == "invalid_code" }.count == AccountService.dailyWrongCodes)
        #expect(codes.last == "code_attempts_exceeded")
        expectError("code_attempts_exceeded", "even the right code waits") { try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: me.caller) }
        t.clock.advance(86_400)
        t.clock.advance(61); try t.shop.accounts.resendEmailCode(caller: me.caller)
        #expect(try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: me.caller).emailVerified)
    }

    @Test("forgot password answers the same for unknown logins and a reset code sets a new password")
    func forgotAndReset() throws {
        let t = try TestShop()
        let original = try t.shop.accounts.register(form(), caller: t.guest)
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: original.caller)
        try t.shop.accounts.forgotPassword(login: "nobody@example.com", caller: t.guest)
        try t.shop.accounts.forgotPassword(login: "nima", caller: t.guest)
        let code = try #require(t.messages().last?.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init))
        expectError("password_mismatch") { try t.shop.accounts.resetPassword(login: "nima", code: code, password: "new-password", confirmation: "other-pass", caller: t.guest) }
        expectError("invalid_code") { try t.shop.accounts.resetPassword(login: "nobody", code: code, password: "new-password", confirmation: "new-password", caller: t.guest) }
        try t.shop.accounts.resetPassword(login: "nima", code: code, password: "new-password", confirmation: "new-password", caller: t.guest)
        expectError("invalid_credentials") { try t.shop.accounts.login("nima", password: "s3cret-pass", caller: t.guest) }
        _ = try t.shop.accounts.login("nima", password: "new-password", caller: t.guest)
        expectError("invalid_code") { try t.shop.accounts.resetPassword(login: "nima", code: code, password: "third-pass", confirmation: "third-pass", caller: t.guest) }
        #expect(throws: ShopError.self) { try t.shop.accounts.refresh(original.refresh, caller: t.guest) }
    }

    @Test("a reset code allows only 5 wrong tries")
    func resetTries() throws {
        let t = try TestShop()
        let me = try t.shop.accounts.register(form(), caller: t.guest)
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "nima@example.com")), caller: me.caller)
        try t.shop.accounts.forgotPassword(login: "nima", caller: t.guest)
        let code = try #require(t.messages().last?.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init))
        for _ in 0..<5 {
            expectError("invalid_code") { try t.shop.accounts.resetPassword(login: "nima", code: code == "999999" ? "000000" : "999999", password: "new-password", confirmation: "new-password", caller: t.guest) }
        }
        expectError("invalid_code") { try t.shop.accounts.resetPassword(login: "nima", code: code, password: "new-password", confirmation: "new-password", caller: t.guest) }
    }

    @Test("changing the password needs the old one and ends other sessions")
    func change() throws {
        let t = try TestShop()
        let signIn = try t.shop.accounts.register(form(), caller: t.guest)
        expectError("wrong_password") { try t.shop.accounts.changePassword(old: "nope-nope", new: "brand-new-1", confirmation: "brand-new-1", caller: signIn.caller) }
        let fresh = try t.shop.accounts.changePassword(old: "s3cret-pass", new: "brand-new-1", confirmation: "brand-new-1", caller: signIn.caller)
        #expect(throws: ShopError.self) { try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x") }
        _ = try t.shop.accounts.authenticate(accessToken: fresh.access, clientAddress: "x")
        _ = try t.shop.accounts.login("nima", password: "brand-new-1", caller: t.guest)
        // In-process callers (the terminal app) are ended too, not only HTTP tokens.
        expectError("session_ended") { try t.shop.carts.cart(caller: signIn.caller) }
        _ = try t.shop.carts.cart(caller: fresh.caller)
    }

    @Test("changing the password is rate limited per address like a login")
    func changeRateLimited() throws {
        let t = try TestShop(signinLimit: 3)
        let me = try t.shop.accounts.register(form(), caller: t.guest)   // the 1st sign-in request from this address
        expectError("wrong_password") { try t.shop.accounts.changePassword(old: "guess-0001", new: "brand-new-1", confirmation: "brand-new-1", caller: me.caller) }
        expectError("wrong_password") { try t.shop.accounts.changePassword(old: "guess-0002", new: "brand-new-1", confirmation: "brand-new-1", caller: me.caller) }
        expectError("too_many_requests") { try t.shop.accounts.changePassword(old: "s3cret-pass", new: "brand-new-1", confirmation: "brand-new-1", caller: me.caller) }
    }

    @Test("signing out ends the session for every later engine call")
    func signOutEndsSession() throws {
        let t = try TestShop()
        let me = try t.customer()
        _ = try t.shop.carts.cart(caller: me.caller)
        try t.shop.accounts.signOut(caller: me.caller)
        expectError("session_ended") { try t.shop.carts.cart(caller: me.caller) }
        expectError("session_ended") { try t.shop.accounts.profile(caller: me.caller) }
    }

    @Test("the profile is the caller's own; edits are validated; photos must be real PNG or JPEG")
    func profile() throws {
        let t = try TestShop()
        let me = try t.customer()
        let updated = try t.shop.accounts.updateProfile(.init(firstName: "نیما", lastName: "جوان", address: "تبریز، خیابان امام", postalCode: "۵۱۳۶۸"), caller: me.caller)
        #expect(updated.firstName == "نیما")
        #expect(updated.postalCode == "51368")
        expectError("invalid_email") { try t.shop.accounts.updateProfile(.init(email: "bad"), caller: me.caller) }
        expectError("invalid_first_name") { try t.shop.accounts.updateProfile(.init(firstName: "a\u{0007}b"), caller: me.caller) }
        expectError("sign_in_required") { try t.shop.accounts.profile(caller: t.guest) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        try t.shop.accounts.setPhoto(png, contentType: "image/png", caller: me.caller)
        #expect(try t.shop.accounts.photo(caller: me.caller).bytes == png)
        expectError("unsupported_image") { try t.shop.accounts.setPhoto(Array("GIF89a".utf8), contentType: "image/png", caller: me.caller) }
        expectError("image_type_mismatch") { try t.shop.accounts.setPhoto(png, contentType: "image/jpeg", caller: me.caller) }
        expectError("image_too_large") { try t.shop.accounts.setPhoto(png + [UInt8](repeating: 0, count: 2 * 1024 * 1024), contentType: "image/png", caller: me.caller) }
    }
}
