import ShopEngine

/// Every effect's result comes back tagged with the screen that asked for it.
public enum AppMessage: Sendable {
    case screen(id: Int, payload: any Sendable)
    /// Time for the next step of the demo tour.
    case tourStep
    /// The demo code for the tour to type.
    case tourCode(String?)
    /// Store settings, re-read now and then by an effect (the header shows the store's name).
    case storeSettings(StoreSettings)
    /// The store's change counter (`Store.changeCounter`, SQLite's data_version), read now and
    /// then by an effect; nil when it could not be read.
    case dataVersion(Int64?)
}

/// What a screen receives.
enum ScreenEvent {
    case key(Key)
    /// About once a second; `context.now` has moved on (countdowns redraw from it).
    case tick
    /// The result of an effect this screen started (`context.run`).
    case result(any Sendable)
    /// The screen is on top again (after a screen above it closed).
    case appeared
    /// Something in the shop changed since the last check — in this terminal or another (see
    /// `ShopApp`'s change watch): a screen showing stored data reloads it, keeping its place.
    case shopChanged

    /// Whether this is the key press `key`: `event.isKey(.left)`.
    func isKey(_ key: Key) -> Bool { if case .key(let k) = self { return k == key } else { return false } }
}

/// One screen of the app: state + `handle` + `render`, Elm-style. Engine calls go through
/// `context.run`; navigation and notices through `context` too, so `handle` never blocks.
protocol Screen {
    var title: String { get }
    /// The screen's own keys, for the footer and the help overlay.
    var bindings: [KeyBinding] { get }
    /// True while a text field has focus: printable keys are typed, not taken as global keys.
    var capturesText: Bool { get }
    /// True until the screen's first data has arrived (or failed to): keys typed meanwhile are
    /// kept by the app and replayed in order once it has, so typing ahead loses nothing.
    var isLoading: Bool { get }
    /// The state a notice from this screen speaks about (an order's status, say): a notice
    /// raised in one scope is hidden once the screen moves to another. Nil: the screen as a whole.
    var noticeScope: AnyHashable? { get }
    /// Called once when pushed: start loading.
    mutating func start(_ context: inout ScreenContext)
    /// Returns false for a key the screen leaves to the app (global keys such as Esc, q, ?).
    @discardableResult
    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool
    /// True when `render` reads `session.now` (a countdown, a state that depends on the time):
    /// the app then redraws it on every tick; other screens only when something happened.
    var showsTime: Bool { get }
    /// Draws the screen from its state and the session (never the database, never the clock:
    /// `session.now` is the time of the current event). A focused `TextField` or `Form` records
    /// where the terminal cursor goes in `buffer.cursor`.
    func render(into buffer: inout Buffer, area: Rect, session: Session)
}

extension Screen {
    var capturesText: Bool { false }
    var isLoading: Bool { false }
    var noticeScope: AnyHashable? { nil }
    var showsTime: Bool { false }
    mutating func start(_ context: inout ScreenContext) {}
}

/// What a screen may ask of the app while handling an event.
enum Navigation {
    case push(any Screen)
    case pop
    case replace(any Screen)
    case home
    /// A guest tried something that needs an account: sign in, then come back.
    case signIn
    case signedIn(SignIn)
    case signOut
    /// The engine ended the session (see `ScreenContext.fail`): forget it locally.
    case sessionEnded
    case quit
}

/// Passed to a screen's `start` and `handle`: the session, and collectors for effects,
/// navigation and a notice line.
struct ScreenContext {
    let session: Session
    let screenID: Int
    var effects: [Effect<AppMessage>] = []
    var navigation: [Navigation] = []
    var notice: (text: String, kind: Banner.Kind)?
    var confirmation: (prompt: ConfirmPrompt, payload: any Sendable)?

    var shop: Shop { session.shop }
    var caller: Caller { session.caller }
    /// The time of the event being handled (seconds since 1970, from the session's clock).
    var now: Int64 { session.now }

    /// Runs `work` off the UI thread; its value comes back to this screen as `.result`.
    mutating func run(_ work: @escaping @Sendable () -> any Sendable) {
        let id = screenID
        effects.append(.run { .screen(id: id, payload: work()) })
    }

    /// Delivers `payload` to this screen after `seconds`.
    mutating func after(_ seconds: Double, _ payload: any Sendable) {
        let id = screenID
        effects.append(.after(seconds: seconds, .screen(id: id, payload: payload)))
    }

    mutating func go(_ step: Navigation) { navigation.append(step) }
    /// Asks first (see `ConfirmPrompt`): the app shows `question` on a line of its own, and on
    /// `y` hands `payload` back to this screen as `.result(payload)`; `n` or Esc drop it.
    ///
    ///     context.confirm("Mark order S-000001 sent?", yes: "mark sent", then: Confirmed.markSent)
    mutating func confirm(_ question: String, yes: String, detail: String? = nil, then payload: any Sendable) {
        confirmation = (ConfirmPrompt(question: question, yes: yes, detail: detail), payload)
    }
    /// Whether the notice speaks of the screen's current state (`Screen.noticeScope`) and should
    /// go when that state changes, not only when the screen is left.
    var noticeAboutState = false
    mutating func say(_ text: String, _ kind: Banner.Kind = .info, aboutState: Bool = false) {
        notice = (text, kind)
        noticeAboutState = aboutState
    }
    mutating func fail(_ error: any Error) {
        notice = (Self.describe(error), .error)
        // Signed out elsewhere, password changed, account deactivated: back to browsing as a guest.
        if let e = error as? ShopError, e.code == ShopError.Code.sessionEnded || e.code == ShopError.Code.accountDisabled, session.isSignedIn { go(.sessionEnded) }
    }

    /// Whether `error` is the engine refusing the caller as they are now (demoted, deactivated,
    /// signed out elsewhere): what a screen shows from an earlier answer was for a role the
    /// caller no longer has, so it must not stay on screen.
    static func isRefusal(_ error: any Error) -> Bool {
        guard let e = error as? ShopError else { return false }
        return e.kind == .forbidden || e.kind == .unauthorized
    }

    /// The one place an error becomes words: an engine error by its stable `code` in the
    /// session's language (the engine's catalogs, `assets/locales/api-LANG.txt`), never the
    /// engine's English text in Persian.
    static func describe(_ error: any Error) -> String {
        if let shopError = error as? ShopError {
            let message = errorMessages.message(for: shopError, in: L.language)
            if let wait = shopError.retryAfter, !message.contains("\(wait)"), !message.contains(Format.number(wait)) {
                return L.t("error.try_again_in", ["message": message, "seconds": Format.number(wait)])
            }
            return message
        }
        return L.t("error.unexpected", ["error": "\(error)"])
    }

    /// The engine's error texts, read once.
    private static let errorMessages = ErrorMessages.load()
}

/// An engine call's outcome, as a screen payload.
typealias Outcome<T: Sendable> = Result<T, any Error>
