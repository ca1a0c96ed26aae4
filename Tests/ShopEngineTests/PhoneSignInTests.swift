import Foundation
import Testing
@testable import ShopEngine

@Suite("Phone sign-in by one-time code")
struct PhoneSignInTests {
    @Test("phone numbers are normalised to E.164, local forms with the default country")
    func normalisation() throws {
        #expect(try Phone.normalize("0914 188 3291", defaultCountry: "+98") == "+989141883291")
        #expect(try Phone.normalize("9141883291", defaultCountry: "+98") == "+989141883291")
        #expect(try Phone.normalize("۰۹۱۴۱۸۸۳۲۹۱", defaultCountry: "+98") == "+989141883291")
        #expect(try Phone.normalize("0049 30 1234567", defaultCountry: nil) == "+49301234567")
        #expect(try Phone.normalize("+1 (555) 123-4567", defaultCountry: nil) == "+15551234567")
        for bad in ["", "abc", "+12", "+1234567890123456", "0914", "+0123456789", "12345678; DROP"] {
            expectError("invalid_phone", "\(bad)") { try Phone.normalize(bad, defaultCountry: "+98") }
        }
        expectError("invalid_phone") { try Phone.normalize("09141883291", defaultCountry: nil) }
    }

    @Test("a code signs in a new phone, creating the account, and a returning one without creating another")
    func newAndReturning() throws {
        let t = try TestShop()
        let first = try t.customer("+15550001111")
        #expect(first.user.isNew)
        #expect(first.user.phone == "+15550001111")
        #expect(first.user.role == .customer)
        t.clock.advance(61)
        let again = try t.customer("+15550001111")
        #expect(!again.user.isNew)
        #expect(again.user.id == first.user.id)
    }

    @Test("the code is 6 digits, stored only as a keyed hash, and answers the same for known and unknown phones")
    func storedHashedNoEnumeration() throws {
        let t = try TestShop()
        _ = try t.customer("+15550001111")
        t.clock.advance(61)
        let known = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
        let unknown = try t.shop.accounts.requestCode(phone: "+15550002222", caller: t.guest)
        #expect(known.expiresIn == unknown.expiresIn && known.retryAfter == unknown.retryAfter)
        let code = try #require(t.lastCode(to: "+15550001111"))
        #expect(code.count == 6)
        let stored = try t.shop.store.read { db in try db.query("SELECT code_hash FROM otp_requests") { Crypto.hex($0.blob(0)) } }
        #expect(stored.allSatisfy { !$0.contains(code) && $0.count == 64 })
    }

    @Test("a wrong code counts a try; after 5 wrong tries even the right code is refused")
    func wrongTries() throws {
        let t = try TestShop()
        let request = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
        let code = try #require(t.lastCode(to: request.phone))
        let wrong = code == "000000" ? "111111" : "000000"
        for _ in 0..<5 {
            expectError("otp_invalid") { try t.shop.accounts.verifyCode(requestID: request.requestId, code: wrong, caller: t.guest) }
        }
        expectError("otp_attempts_exceeded") { try t.shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: t.guest) }
        #expect(try t.shop.admin.localListUsers().isEmpty, "no account was created")
    }

    @Test("a code expires after 5 minutes and works only once")
    func expiryAndSingleUse() throws {
        let t = try TestShop()
        let request = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
        let code = try #require(t.lastCode(to: request.phone))
        t.clock.advance(300)
        expectError("otp_expired") { try t.shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: t.guest) }

        t.clock.advance(61)
        let second = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
        let code2 = try #require(t.lastCode(to: second.phone))
        t.clock.advance(299)
        _ = try t.shop.accounts.verifyCode(requestID: second.requestId, code: code2, caller: t.guest)
        expectError("otp_used") { try t.shop.accounts.verifyCode(requestID: second.requestId, code: code2, caller: t.guest) }
    }

    @Test("a new code within 60 s answers too many requests with the seconds left")
    func cooldown() throws {
        let t = try TestShop()
        _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
        t.clock.advance(20)
        do {
            _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
            Issue.record("expected a cooldown")
        } catch let error as ShopError {
            #expect(error.kind == .tooManyRequests)
            #expect(error.retryAfter == 40)
        }
        t.clock.advance(40)
        _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
    }

    @Test("at most 5 codes per phone per hour")
    func hourlyLimit() throws {
        let t = try TestShop()
        for _ in 0..<5 {
            _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
            t.clock.advance(61)
        }
        do {
            _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
            Issue.record("expected the hourly limit")
        } catch let error as ShopError {
            #expect(error.kind == .tooManyRequests)
            #expect((error.retryAfter ?? 0) > 3000)
        }
        t.clock.advance(3600)
        _ = try t.shop.accounts.requestCode(phone: "+15550001111", caller: t.guest)
    }

    @Test("sign-in requests are limited per client address across phones")
    func perAddressLimit() throws {
        let t = try TestShop(signinLimit: 3)
        for i in 0..<3 { _ = try t.shop.accounts.requestCode(phone: "+1555000100\(i)", caller: t.guest) }
        expectError("too_many_requests") { try t.shop.accounts.requestCode(phone: "+15550001009", caller: t.guest) }
        _ = try t.shop.accounts.requestCode(phone: "+15550001009", caller: .guest(address: "10.9.9.9"))
        t.clock.advance(60)
        _ = try t.shop.accounts.requestCode(phone: "+15550001008", caller: t.guest)
    }

    @Test("malformed input is refused without storing anything")
    func malformed() throws {
        let t = try TestShop()
        expectError("invalid_phone") { try t.shop.accounts.requestCode(phone: "hello", caller: t.guest) }
        expectError("invalid_code") { try t.shop.accounts.verifyCode(requestID: String(repeating: "a", count: 32), code: "12ab", caller: t.guest) }
        expectError("invalid_request_id") { try t.shop.accounts.verifyCode(requestID: "nope", code: "123456", caller: t.guest) }
        expectError("otp_expired") { try t.shop.accounts.verifyCode(requestID: String(repeating: "b", count: 32), code: "123456", caller: t.guest) }
        #expect(try t.shop.store.read { try $0.scalarInt("SELECT count(*) FROM otp_requests") } == 0)
    }

    @Test("a failed delivery is an error and lets the customer ask again at once")
    func failedDelivery() throws {
        let t = try TestShop { $0.messages = .file("/nonexistent-dir/messages.jsonl") }
        let shop = t.shop
        expectError("message_not_sent") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
        #expect(try shop.store.read { try $0.scalarInt("SELECT count(*) FROM otp_requests") } == 0)
    }

    @Test("a messages file created by Shop is owner-only even under umask 0277, and stays writable")
    func messagesFileMode() throws {
        let t = try TestShop()
        let old = umask(0o277)
        defer { umask(old) }
        _ = try t.customer("+15550001111")
        _ = try t.shop.accounts.requestCode(phone: "+15550002222", caller: t.guest)   // a second write to the same file
        var info = stat()
        #expect(stat(t.messagesPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(t.messages().count == 2)
    }

    @Test("without a message sink no code is offered as if it worked, and nothing is written")
    func noSink() throws {
        let t = try TestShop { $0.messages = nil }
        let shop = t.shop
        #expect(!shop.sendsCodes)
        expectError("codes_not_configured") { try shop.accounts.requestCode(phone: "+15550001111", caller: .guest()) }
        expectError("codes_not_configured") { try shop.accounts.forgotPassword(login: "someone", caller: .guest()) }
        #expect(try shop.store.read { try $0.scalarInt("SELECT count(*) FROM otp_requests") } == 0)
        // Password accounts still work.
        let me = try shop.accounts.register(.init(username: "nima", email: "n@example.com", password: "s3cret-pass", passwordConfirm: "s3cret-pass", firstName: "N", lastName: "J"), caller: .guest())
        #expect(try shop.accounts.login("nima", password: "s3cret-pass", caller: .guest()).user.id == me.user.id)
        expectError("codes_not_configured") { try shop.accounts.resendEmailCode(caller: me.caller) }
    }

    @Test("message sinks parse from configuration and reject unknown ones; the outbox is the demo's alone")
    func sinks() throws {
        expectError("invalid_messages", "staff could read codes from an outbox") { try MessageSink.parse("outbox") }
        #expect(try MessageSink.parse("stdout") == .stdout)
        #expect(try MessageSink.parse("file:/tmp/x") == .file("/tmp/x"))
        #expect(try MessageSink.parse("webhook:https://sms.example/send") == .webhook(URL(string: "https://sms.example/send")!))
        for bad in ["", "email", "file:", "webhook:ftp://x", "webhook:notaurl"] {
            #expect(throws: ShopError.self, "\(bad)") { try MessageSink.parse(bad) }
        }
    }
}
