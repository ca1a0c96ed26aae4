import Testing
@testable import ShopTUI
import ShopEngine

/// Over SSH the session knows the client's key; after a sign-in the person is asked whether to
/// remember it. Pins what `scripts/e2e/ssh.sh` journey 4 checks in a real sshd.
@Suite("Remembering an SSH key at sign-in")
struct RememberedKeyTests {
    /// A real ed25519 public key, as sshd writes it with ExposeAuthInfo.
    let authInfo = "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"

    private func signInByCode(_ d: AppDriver, _ h: AppHarness, phone: String) throws {
        d.press(.char("p"))
        d.type(phone); d.press(.enter)
        d.type(try #require(h.code(for: phone))); d.press(.enter)
    }

    @Test("another account answering y for a key that signs in someone else is told so, and the key stays its owner's")
    func keyTakenIsShown() throws {
        let h = try AppHarness()
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        let owner = try h.customerSession("+15550170005")
        try h.shop.accounts.rememberKey(key, caller: owner.caller)
        let d = h.driver(Session(shop: h.shop, settings: SessionSettings(sshKey: key)))
        try signInByCode(d, h, phone: "+15550170006")
        #expect(d.text.contains("Remember this SSH key?"))
        d.press(.char("y"))
        #expect(d.session.isSignedIn)
        #expect(d.text.contains("This SSH key already signs in another account"), "the refusal is not replaced by \"Signed in as …\":\n\(d.text)")
        #expect(try h.shop.accounts.signIn(sshKey: key, clientAddress: "x")?.user.id == owner.caller.userID)
    }

    @Test("answering y for a new key says it is remembered, and the key signs in next time")
    func keyRememberedIsShown() throws {
        let h = try AppHarness()
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        let d = h.driver(Session(shop: h.shop, settings: SessionSettings(sshKey: key)))
        try signInByCode(d, h, phone: "+15550170007")
        d.press(.char("y"))
        #expect(d.text.contains("Key remembered"), "\(d.text)")
        #expect(try h.shop.accounts.signIn(sshKey: key, clientAddress: "x")?.user.id == d.session.caller.userID)
    }
}
