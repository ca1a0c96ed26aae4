import Foundation
import Testing
@testable import ShopEngine

@Suite("An account's language: codes texted in it")
struct AccountLanguageTests {
    /// The 6-digit code of a message, which must be written in ASCII digits to stay copyable.
    func asciiCode(_ text: String) -> String? {
        text.split(whereSeparator: { !($0.isASCII && $0.isNumber) }).first { $0.count == 6 }.map(String.init)
    }

    @Test("a new phone signs up in the language it asked in: a Persian text with an ASCII code, and a Persian account")
    func newPhoneInPersian() throws {
        let t = try TestShop()
        let request = try t.shop.accounts.requestCode(phone: "+989121234567", language: .fa, caller: t.guest)
        let text = try #require(t.messages().last?.text)
        #expect(text.hasPrefix("کد ورود شما به فروشگاه: "))
        #expect(text.contains("۵ دقیقه"), "minutes in Persian digits: \(text)")
        let code = try #require(asciiCode(text), "the code in ASCII digits: \(text)")
        let signIn = try t.shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: t.guest)
        #expect(signIn.user.isNew && signIn.user.language == .fa)
        #expect(try t.shop.accounts.profile(caller: signIn.caller).language == .fa)
    }

    @Test("a returning customer gets codes in the account's language, whatever the asking terminal speaks")
    func accountLanguageWins() throws {
        let t = try TestShop()
        let me = try t.customer("+15550001111")
        #expect(me.user.language == .en, "accounts start in English")
        let changed = try t.shop.accounts.updateProfile(.init(language: .fa), caller: me.caller)
        #expect(changed.language == .fa)
        t.clock.advance(61)
        let request = try t.shop.accounts.requestCode(phone: "+15550001111", language: .en, caller: t.guest)
        let text = try #require(t.messages().last?.text)
        #expect(text.hasPrefix("کد ورود شما به فروشگاه: ") && asciiCode(text) != nil, "\(text)")
        // Signing in again reads the language back (the TUI switches to it).
        let again = try t.shop.accounts.verifyCode(requestID: try t.shop.accounts.requestCode(phone: "+15550002222", caller: t.guest).requestId,
                                                   code: try #require(t.lastCode(to: "+15550002222")), caller: t.guest)
        #expect(again.user.language == .en, "another new phone without a language asked for is English")
        let back = try t.shop.accounts.verifyCode(requestID: request.requestId, code: try #require(asciiCode(text)), caller: t.guest)
        #expect(back.user.language == .fa)
        _ = try t.shop.accounts.updateProfile(.init(language: .en), caller: me.caller)
        t.clock.advance(61)
        _ = try t.shop.accounts.requestCode(phone: "+15550001111", language: .fa, caller: t.guest)
        #expect(t.messages().last?.text.hasPrefix("Your Shop code is ") == true)
    }

    @Test("password reset and verification codes go out in the account's language")
    func resetAndVerifyInPersian() throws {
        let t = try TestShop()
        let form = AccountService.Registration(username: "sara", email: "sara@example.com", password: "s3cret-pass", passwordConfirm: "s3cret-pass",
                                               firstName: "سارا", lastName: "رضایی", phone: "+989121112233", language: .fa)
        let me = try t.shop.accounts.register(form, caller: t.guest)
        #expect(me.user.language == .fa)
        let sent = t.messages()
        #expect(sent.count == 2)
        #expect(sent.first { $0.channel == .email }?.text.hasPrefix("کد تأیید این نشانی ایمیل در فروشگاه: ") == true)
        #expect(sent.first { $0.channel == .sms }?.text.hasPrefix("کد تأیید این شماره تلفن در فروشگاه: ") == true)
        _ = try t.shop.accounts.verifyEmail(code: try #require(t.lastCode(to: "sara@example.com")), caller: me.caller)
        try t.shop.accounts.forgotPassword(login: "sara", caller: t.guest)
        let reset = try #require(t.messages().last)
        #expect(reset.to == "sara@example.com" && reset.text.hasPrefix("کد بازنشانی گذرواژهٔ شما در فروشگاه: "), "\(reset.text)")
        let code = try #require(asciiCode(reset.text))
        try t.shop.accounts.resetPassword(login: "sara", code: code, password: "new-password", confirmation: "new-password", caller: t.guest)
        _ = try t.shop.accounts.login("sara", password: "new-password", caller: t.guest)
    }

    @Test("a language set in the profile is kept across processes and a new email's code uses it at once")
    func profileLanguage() throws {
        let t = try TestShop()
        let me = try t.customer("+15550001111")
        _ = try t.shop.accounts.updateProfile(.init(email: "me@example.com", language: .fa), caller: me.caller)
        #expect(t.messages().last?.text.hasPrefix("کد تأیید این نشانی ایمیل") == true, "\(t.messages().last?.text ?? "")")
        let other = try t.openAgain()
        #expect(try other.accounts.profile(caller: me.caller).language == .fa)
        #expect(try t.shop.accounts.updateProfile(.init(firstName: "Ali"), caller: me.caller).language == .fa, "other changes keep it")
    }
}
