import Foundation
import ShopEngine

/// What one terminal session shares across screens: the engine, who is signed in, the
/// session's settings, the store's settings as last read, and the time of the current event.
/// Lives on the UI thread; effects capture the Sendable parts they need.
///
///     let clock = ManualClock()
///     let session = Session(shop: shop, clock: clock)   // tests move time with clock.advance(30)
public final class Session {
    public let shop: Shop
    public private(set) var signIn: SignIn?
    public let clientAddress: String
    public let settings: SessionSettings
    /// Where `now` comes from: the engine's clock unless a test injects its own.
    public let clock: any ShopClock
    /// The time of the event being handled, in seconds since 1970: `ShopApp` reads the clock once
    /// per event, so `handle` and the `render` after it agree and neither reads the clock itself.
    public private(set) var now: Int64
    /// The store's settings (its name, the low-stock line), read when the session starts and
    /// refreshed by an effect now and then, so a change reaches open sessions without a query on
    /// every frame.
    public private(set) var store: StoreSettings

    /// The terminal's size as last reported (`ShopApp` records each resize), so a list can
    /// page by the rows it really shows rather than a guess.
    public internal(set) var terminalSize = (width: 80, height: 24)
    /// The area a screen is given to draw in at the current terminal size (the one home of the
    /// app's frame layout: header, notice line, footer, a column of margin each side).
    var screenArea: Rect { ShopApp.screenArea(in: Rect(width: terminalSize.width, height: terminalSize.height)) }

    /// When the catalog first arrived on screen (wall clock), for the start-up benchmark.
    public internal(set) var catalogShownAt: Date?

    public init(shop: Shop, clientAddress: String = "local", settings: SessionSettings = SessionSettings(), clock: (any ShopClock)? = nil) {
        self.shop = shop
        self.clientAddress = clientAddress
        self.settings = settings
        self.clock = clock ?? shop.configuration.clock
        self.now = self.clock.now()
        // Once per session, before the first frame; afterwards only effects re-read it.
        self.store = shop.settings()
    }

    /// Reads the clock: called by `ShopApp` at the start of every event.
    func advanceClock() { now = clock.now() }
    func storeSettingsLoaded(_ settings: StoreSettings) { store = settings }
    public var storeName: String { store.storeName }

    public var caller: Caller { signIn?.caller ?? .guest(address: clientAddress) }
    /// The signed-in user as last loaded (profile edits update it).
    public private(set) var user: User?
    public var isSignedIn: Bool { signIn != nil }
    public var isStaff: Bool { signIn?.caller.isStaff ?? false }
    public var isAdmin: Bool { signIn?.caller.isAdmin ?? false }
    public var currency: Currency { shop.currency }

    func signedIn(_ signIn: SignIn) { self.signIn = signIn; user = signIn.user }
    func signedOut() { signIn = nil; user = nil }
    func updateUser(_ user: User) { if signIn != nil { self.user = user } }

    func money(_ amount: Int64) -> String { Format.money(amount, currency) }
}

/// Per-session options from flags and the environment.
public struct SessionSettings: Sendable {
    /// Demo mode: codes are shown on screen; the sign-in screen lists demo phones.
    public var demoPeople: [(phone: String, role: Role, name: String)]?
    /// The client's SSH key in keyed mode (`SSH_USER_AUTH`), for remember-my-key.
    public var sshKey: SSHPublicKey?
    /// A shell-free command that receives receipts on stdin (`--receipt-command 'lp -d counter'`).
    public var receiptCommand: [String]?
    /// Folder receipts are written to (`--receipt-dir`).
    public var receiptDirectory: String?
    /// Plain text or ESC/POS bytes for the printer (`--receipt-format`).
    public var receiptFormat: ReceiptFormat = .text
    /// A printer device receipts are appended to (`--receipt-device /dev/usb/lp0`).
    public var receiptDevice: String?
    /// A shell-free command that opens the cash drawer (`--drawer-command`).
    public var drawerCommand: [String]?
    /// How the terminal shows photos (`--images`); `.none`: screens show a text marker.
    public var images: ImageProtocol = .none

    public init(demoPeople: [(phone: String, role: Role, name: String)]? = nil, sshKey: SSHPublicKey? = nil,
                receiptCommand: [String]? = nil, receiptDirectory: String? = nil) {
        self.demoPeople = demoPeople
        self.sshKey = sshKey
        self.receiptCommand = receiptCommand
        self.receiptDirectory = receiptDirectory
    }

    public var isDemo: Bool { demoPeople != nil }
}
