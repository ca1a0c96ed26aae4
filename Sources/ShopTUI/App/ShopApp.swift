import ShopEngine

/// The whole TUI as one `Program`: a stack of screens under a header (store, sections, who is
/// signed in), a notice line, and a footer and help overlay drawn from the same key bindings.
public struct ShopApp: Program {
    public typealias Message = AppMessage

    let session: Session
    private var stack: [(id: Int, screen: any Screen)] = []
    private var nextID = 1
    private var notice: Notice?

    /// The notice line: words about what just happened, for `ticks` more ticks. A notice
    /// belongs to the screen that raised it (`owner`, a stack id) and goes when that screen is
    /// no longer on top, so "out of stock" never shows on the cart nor "press Esc again" on the
    /// menu below. Notices from the app itself ("Signed in as …", the tour) have no owner and
    /// travel.
    struct Notice {
        var text: String
        var kind: Banner.Kind
        var ticks: Int
        var owner: Int?
        /// The owner's `noticeScope` when it was raised: shown only while the screen is still there.
        var scope: AnyHashable?
        init(_ text: String, _ kind: Banner.Kind, _ ticks: Int, owner: Int? = nil, scope: AnyHashable? = nil) {
            self.text = text; self.kind = kind; self.ticks = ticks; self.owner = owner; self.scope = scope
        }
    }

    /// A question waiting for y or n, asked by the screen `owner` (see `ScreenContext.confirm`).
    private var confirmation: (owner: Int, prompt: ConfirmPrompt, payload: any Sendable)?
    /// The open question, if any (tests read it).
    var pendingQuestion: String? { confirmation?.prompt.question }

    /// The notice on screen now, if any (tests read it).
    var noticeText: String? { visibleNotice?.text }
    private var visibleNotice: Notice? {
        guard let notice, notice.owner == nil || notice.owner == stack.last?.id else { return nil }
        if let scope = notice.scope, stack.last?.screen.noticeScope != scope { return nil }
        return notice
    }

    /// Drops a notice whose screen is no longer on top (called whenever the stack changes).
    private mutating func dropNoticeOfLeftScreen() {
        if let owner = notice?.owner, owner != stack.last?.id { notice = nil }
        if let owner = confirmation?.owner, owner != stack.last?.id { confirmation = nil }
    }
    private var showingHelp = false
    public private(set) var isFinished = false
    /// Whether the last tick or message changed the frame (`Program.eventChangedFrame`).
    public private(set) var eventChangedFrame = true
    /// The screen on top (what the footer describes).
    var topScreen: (any Screen)? { stack.last?.screen }
    /// How many screens are open (tests walk the stack).
    var depth: Int { stack.count }

    enum Global: Sendable { case help, quit, back, browse, cart, orders, profile, staff, language }
    /// Computed: the words follow the language (`L` switches it at any time).
    static var globalKeys: KeyMap<Global> { [
        (.back, KeyBinding(keys: [.escape], help: L.t("keys.back"), priority: 1)),
        (.help, KeyBinding(keys: [.char("?"), .function(1)], label: "?", help: L.t("keys.help"))),
        (.browse, KeyBinding(keys: [.char("b")], help: L.t("keys.browse"), showsInFooter: false)),
        (.cart, KeyBinding(keys: [.char("c")], help: L.t("keys.cart"), showsInFooter: false)),
        (.orders, KeyBinding(keys: [.char("o")], help: L.t("keys.orders"), showsInFooter: false)),
        (.profile, KeyBinding(keys: [.char("p")], help: L.t("keys.profile_or_sign_in"), showsInFooter: false)),
        (.staff, KeyBinding(keys: [.char("s")], help: L.t("keys.staff"), showsInFooter: false)),
        (.language, KeyBinding(keys: [.char("L")], help: L.t("keys.language"), showsInFooter: false)),
        (.quit, KeyBinding(keys: [.char("q")], help: L.t("keys.quit"))),
    ] }

    /// Effects of the first screen, returned by the first `update` (init cannot return them).
    private var startup: [Effect<AppMessage>] = []
    /// Keys typed while the screen on top was loading, waiting for it (see `Screen.isLoading`).
    private var typedAhead: [Key] = []

    private var tour: Tour?
    private var ticksSinceSettings = 0
    /// The store's change counter at the last check (see `AppMessage.dataVersion`).
    private var dataVersion: Int64?
    private var ticksSinceChangeCheck = 0
    /// Ticks between checks for changes by other terminals: one cheap PRAGMA on a dedicated
    /// connection, so an open list is at most this many seconds behind.
    static let changeCheckTicks = 2

    public init(session: Session, tour: Bool = false) {
        self.session = session
        startup = push(BrowseScreen())
        if tour {
            self.tour = Tour()
            startup.append(.after(seconds: 1, .tourStep))
        }
    }

    /// Plays the tour's next step; returns the effect that schedules the one after.
    private mutating func advanceTour() -> [Effect<AppMessage>] {
        guard var script = tour, let step = script.next() else { tour = nil; return [] }
        tour = script
        var effects: [Effect<AppMessage>] = []
        var delay = 0.35
        switch step {
        case .keys(let keys): for key in keys { effects += press(key) }
        case .type(let text):
            for ch in text { effects += press(.char(ch)) }
        case .demoCode:
            let shop = session.shop, phone = script.phone
            return [.run { .tourCode((try? shop.admin.localOutbox(limit: 5))?.first { $0.to == phone }?.text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)) }]
        case .caption(let text): notice = Notice(L.t("tour.caption", ["text": text]), .info, 8)
        case .wait(let seconds): delay = seconds
        }
        return effects + [.after(seconds: delay, .tourStep)]
    }

    /// A key as if typed, through the same path as real keys.
    private mutating func press(_ key: Key) -> [Effect<AppMessage>] {
        var effects: [Effect<AppMessage>] = []
        if let open = confirmation {
            // While a question is open only its answers act; everything else waits on it.
            switch open.prompt.answer(key) {
            case .yes:
                confirmation = nil
                if let index = stack.firstIndex(where: { $0.id == open.owner }) { _ = dispatch(.result(open.payload), to: index, effects: &effects) }
            case .no: confirmation = nil
            case .undecided: break
            }
            return effects
        }
        if !dispatch(.key(key), to: stack.count - 1, effects: &effects) { effects += handleGlobal(key) }
        return effects
    }

    // MARK: - Update

    public mutating func update(_ event: Event<AppMessage>) -> [Effect<AppMessage>] {
        var effects: [Effect<AppMessage>] = startup
        startup = []
        session.advanceClock()   // one instant per event: what `handle` and the next `render` see
        eventChangedFrame = true
        switch event {
        case .message(.tourStep):
            effects += advanceTour()
        case .message(.storeSettings(let settings)):
            session.storeSettingsLoaded(settings)
        case .message(.dataVersion(let version)):
            // The first reading is the baseline; a different one means someone committed.
            eventChangedFrame = false   // a reload that follows draws when its data arrives
            if let version, let known = dataVersion, version != known, !stack.isEmpty, confirmation == nil {
                _ = dispatch(.shopChanged, to: stack.count - 1, effects: &effects)
                eventChangedFrame = true
            }
            if let version { dataVersion = version }
        case .message(.tourCode(let code)):
            for ch in code ?? "" { effects += press(.char(ch)) }
            if tour != nil { effects.append(.after(seconds: 0.5, .tourStep)) }
        case .key(let key):
            if tour != nil {
                tour = nil   // any real key: the presenter takes over
                notice = Notice(L.t("app.tour_stopped"), .info, 5)
                return effects
            }
            if showingHelp {
                if key == .escape || key == .char("?") || key == .char("q") || key == .function(1) { showingHelp = false }
                return []
            }
            if key == .function(1) { showingHelp = true; return [] }
            if key == .escape || (key == .char("q") || key == .char("?")) && stack.last?.screen.capturesText != true {
                typedAhead = []   // Esc, q, ?: the user wants out now, not after the load
                effects += press(key)
            } else {
                if typedAhead.count < Self.typeAheadLimit { typedAhead.append(key) }
                effects += replayTypedAhead()
            }
        case .tick:
            let noticeShown = notice != nil
            if var n = notice {
                n.ticks -= 1
                notice = n.ticks <= 0 ? nil : n
            }
            eventChangedFrame = noticeShown && notice == nil || stack.last?.screen.showsTime ?? true
            ticksSinceChangeCheck += 1
            if ticksSinceChangeCheck >= Self.changeCheckTicks {
                ticksSinceChangeCheck = 0
                let store = session.shop.store
                effects.append(.run { .dataVersion(try? store.changeCounter()) })
            }
            ticksSinceSettings += 1
            if ticksSinceSettings >= Self.settingsRefreshTicks {
                ticksSinceSettings = 0
                let shop = session.shop
                effects.append(.run { .storeSettings(shop.settings()) })
            }
            if !stack.isEmpty { _ = dispatch(.tick, to: stack.count - 1, effects: &effects) }
        case .message(.screen(let id, let payload)):
            if let index = stack.firstIndex(where: { $0.id == id }) {
                _ = dispatch(.result(payload), to: index, effects: &effects)
                effects += replayTypedAhead()
            }
        case .resize(let width, let height):
            session.terminalSize = (width, height)
        }
        return effects
    }

    static let typeAheadLimit = 64
    /// Ticks (about seconds) between re-reads of the store settings: a rename shows within a minute.
    static let settingsRefreshTicks = 60

    /// Hands the keys typed ahead to the screen on top, in order, while it is not loading.
    private mutating func replayTypedAhead() -> [Effect<AppMessage>] {
        var effects: [Effect<AppMessage>] = []
        while !typedAhead.isEmpty, stack.last?.screen.isLoading != true {
            effects += press(typedAhead.removeFirst())
        }
        return effects
    }

    /// Gives an event to the screen at `index`, then carries out what it asked for.
    private mutating func dispatch(_ event: ScreenEvent, to index: Int, effects: inout [Effect<AppMessage>]) -> Bool {
        guard stack.indices.contains(index) else { return false }
        let id = stack[index].id
        var context = ScreenContext(session: session, screenID: id)
        var screen = stack[index].screen
        let handled = screen.handle(event, &context)
        stack[index].screen = screen
        effects += context.effects
        for step in context.navigation { effects += navigate(step) }
        // The screen's own words win over what navigation says ("Signed in as …"). Words said
        // while navigating ("Saved", then back to the list) belong to where the user lands.
        if let n = context.notice {
            let stayed = context.navigation.isEmpty
            notice = Notice(n.text, n.kind, n.kind == .error ? 8 : 5, owner: stayed ? id : stack.last?.id,
                            scope: stayed && context.noticeAboutState && stack.indices.contains(index) ? stack[index].screen.noticeScope : nil)
        }
        if let c = context.confirmation, stack.last?.id == id { confirmation = (id, c.prompt, c.payload) }
        return handled
    }

    private mutating func handleGlobal(_ key: Key) -> [Effect<AppMessage>] {
        guard let action = Self.globalKeys.action(for: key) else { return [] }
        switch action {
        case .help: showingHelp = true; return []
        case .quit: isFinished = true; return []
        case .language:
            let language: Language = L.language == .en ? .fa : .en
            L.setLanguage(language)
            notice = Notice(L.t("app.language_switched"), .info, 4)
            guard session.isSignedIn else { return [] }
            // Kept in the profile: the next sign-in (any terminal) starts in it.
            let (shop, caller) = (session.shop, session.caller)
            return [.run { _ = try? shop.accounts.updateProfile(AccountService.ProfileChanges(language: language), caller: caller); return .screen(id: 0, payload: ()) }]
        case .back: return navigate(.pop)
        case .browse: return navigate(.home)
        case .cart: return open(CartScreen(), needsAccount: true)
        case .orders: return open(OrdersScreen(), needsAccount: true)
        case .profile: return session.isSignedIn ? open(ProfileScreen()) : navigate(.signIn)
        case .staff:
            guard session.isStaff else {
                notice = Notice(L.t("app.staff_only"), .error, 5, owner: stack.last?.id)
                return []
            }
            return open(StaffMenuScreen())
        }
    }

    /// Opens a section, replacing whatever was above the home screen.
    private mutating func open(_ screen: any Screen, needsAccount: Bool = false) -> [Effect<AppMessage>] {
        if needsAccount && !session.isSignedIn { return navigate(.signIn) }
        keepSentCode()
        while stack.count > 1 { stack.removeLast() }
        return push(screen)
    }

    @discardableResult
    private mutating func push(_ screen: any Screen) -> [Effect<AppMessage>] {
        let id = nextID
        nextID += 1
        var context = ScreenContext(session: session, screenID: id)
        var started = screen
        started.start(&context)
        stack.append((id, started))
        dropNoticeOfLeftScreen()
        if let n = context.notice { notice = Notice(n.text, n.kind, 5, owner: id) }
        return context.effects
    }

    /// The code a sign-in screen being left had sent, so the next sign-in screen can return to it.
    private var sentCode: SignInScreen.SentCode?
    private mutating func keepSentCode() {
        if let signIn = stack.last?.screen as? SignInScreen, let sent = signIn.sentCode { sentCode = sent }
    }

    private mutating func navigate(_ step: Navigation) -> [Effect<AppMessage>] {
        switch step {
        case .push(let screen):
            return push(screen)
        case .replace(let screen):
            keepSentCode()
            if stack.count > 1 { stack.removeLast() }
            return push(screen)
        case .pop:
            guard stack.count > 1 else { return [] }
            keepSentCode()
            stack.removeLast()
            return reappear()
        case .home:
            guard stack.count > 1 else { return [] }
            stack.removeSubrange(1...)
            return reappear()
        case .signIn:
            if stack.last?.screen is SignInScreen { return [] }
            return push(SignInScreen(codesWork: session.shop.sendsCodes, sentCode: sentCode))
        case .signedIn(let signIn):
            session.signedIn(signIn)
            sentCode = nil
            // Issue 18: the account's stored language wins over the locale (which rarely arrives
            // over SSH); also applied for the SSH-key sign-in at start (ShopCommand).
            L.applyAccountLanguage(signIn.user.chosenLanguage)
            while stack.count > 1, stack.last?.screen is SignInScreen || stack.last?.screen is RegisterScreen { stack.removeLast() }
            notice = Notice(signIn.caller.isStaff ? L.t("app.signed_in_staff", ["name": signIn.user.displayName]) : L.t("app.signed_in", ["name": signIn.user.displayName]), .success, 5)
            return reappear()
        case .signOut:
            let caller = session.caller
            let shop = session.shop
            session.signedOut()
            stack.removeSubrange(1...)
            notice = Notice(L.t("app.signed_out"), .info, 4)
            return [.run { _ = try? shop.accounts.signOut(caller: caller); return .screen(id: 0, payload: ()) }] + reappear()
        case .sessionEnded:
            session.signedOut()
            stack.removeSubrange(1...)
            return reappear()
        case .quit:
            isFinished = true
            return []
        }
    }

    private mutating func reappear() -> [Effect<AppMessage>] {
        dropNoticeOfLeftScreen()
        var effects: [Effect<AppMessage>] = []
        _ = dispatch(.appeared, to: stack.count - 1, effects: &effects)
        return effects
    }

    // MARK: - Render

    public func render(into buffer: inout Buffer, area: Rect) {
        guard let top = stack.last?.screen else { return }
        buffer.layout = L.layout   // Persian mirrors the whole frame (BufferLayout)
        let (header, noticeRow, content, footerRow) = Self.frame(area)
        renderHeader(into: &buffer, area: header, title: top.title)
        if let notice = visibleNotice {
            Banner(notice.text, kind: notice.kind).render(into: &buffer, area: noticeRow)
        }
        var screenArea = Self.screenArea(in: area)
        if let confirmation {
            // The question takes a line of its own: the list it is about stays in view.
            let (above, promptRow) = content.splitBottom(confirmation.prompt.height)
            screenArea = above.inner(horizontal: 1, vertical: 0)
            confirmation.prompt.render(into: &buffer, area: promptRow)
        }
        top.render(into: &buffer, area: screenArea, session: session)
        // Global keys on the right, always visible; the screen's own keys fill the rest.
        footerLine(width: footerRow.width).render(into: &buffer, area: footerRow)
        if showingHelp {
            HelpOverlay(confirmation.map { $0.prompt.bindings } ?? helpBindings(for: top), title: L.t("help.title", ["screen": top.title])).render(into: &buffer, area: area)
            buffer.cursor = nil   // the overlay covers the field
        }
    }

    /// The app's frame: header, notice line, content, footer.
    static func frame(_ area: Rect) -> (header: Rect, notice: Rect, content: Rect, footer: Rect) {
        let (header, rest) = area.splitTop(1)
        let (noticeRow, body) = rest.splitTop(1)
        let (content, footerRow) = body.splitBottom(1)
        return (header, noticeRow, content, footerRow)
    }

    /// Where the screen on top draws (without an open question).
    static func screenArea(in area: Rect) -> Rect { frame(area).content.inner(horizontal: 1, vertical: 0) }

    // MARK: - Keys that do something now

    /// The footer as drawn at `width`: what fits by priority, `? more` for the rest.
    func footerLine(width: Int) -> FooterLine {
        let keys = footerKeys()
        return FooterLine(screen: keys.screen, globals: keys.globals, width: width)
    }

    /// The footer's two halves as drawn now: the screen's keys (or an open question's y/n) and
    /// the global keys that act.
    func footerKeys() -> (screen: [KeyBinding], globals: [KeyBinding]) {
        guard let top = stack.last?.screen else { return ([], []) }
        if let confirmation { return (confirmation.prompt.bindings, []) }
        return (top.bindings.filter(\.showsInFooter), activeGlobals(for: top).filter(\.showsInFooter))
    }

    /// What the help overlay lists on `screen`: its own keys, then the global keys that act in
    /// this state — each entry once.
    func helpBindings(for screen: any Screen) -> [KeyBinding] {
        var seen = Set<String>()
        return (screen.bindings + activeGlobals(for: screen)).filter { seen.insert("\($0.label)\u{1}\($0.help)").inserted }
    }

    /// The global keys that would act if pressed now on `screen`, the screen on top. A key is
    /// left out when the screen binds it itself, takes it as typing (a focused field, a receipt
    /// that starts the next sale with any key), or when its action has nothing to do here (Esc
    /// on the home screen, `b` on Browse, `s` for a customer). The footer and the help overlay
    /// both come from here, so neither lists a key that does nothing.
    func activeGlobals(for screen: any Screen) -> [KeyBinding] {
        let taken = Set(screen.bindings.flatMap(\.keys))
        return Self.globalKeys.entries.compactMap { entry -> KeyBinding? in
            guard globalActs(entry.action, on: screen) else { return nil }
            var binding = entry.binding
            // F1 is caught before any screen sees it, so it always opens help.
            binding.keys = binding.keys.filter { key in
                key == .function(1) || !taken.contains(key) && !(screen.capturesText && key.isPrintable) && !Self.consumes(screen, key, session: session)
            }
            guard let first = binding.keys.first else { return nil }
            if first != entry.binding.keys.first { binding.label = first.displayName }
            return binding
        }
    }

    /// Whether `action` has something to do with `screen` on top.
    private func globalActs(_ action: Global, on screen: any Screen) -> Bool {
        let inSection = stack.count == 2
        switch action {
        case .help, .quit, .language: return true
        case .back, .browse: return stack.count > 1
        case .cart: return !(inSection && screen is CartScreen)
        case .orders: return !(inSection && screen is OrdersScreen)
        case .profile: return !(inSection && screen is ProfileScreen) && !(screen is SignInScreen)
        case .staff: return session.isStaff && !(inSection && screen is StaffMenuScreen)
        }
    }

    /// Whether `screen` takes `key` itself in its current state (so the global never sees it):
    /// asked of a copy, whose effects and navigation are dropped — `handle` only collects them.
    private static func consumes(_ screen: any Screen, _ key: Key, session: Session) -> Bool {
        var copy = screen
        var context = ScreenContext(session: session, screenID: -1)
        return copy.handle(.key(key), &context)
    }

    private func renderHeader(into buffer: inout Buffer, area: Rect, title: String) {
        let bar = Style(fg: .black, bg: .indexed(109))
        buffer.setStyle(area, bar)
        var x = buffer.setString(area.x + 1, area.y, session.storeName, style: bar.bold(), maxWidth: 30)
        x = buffer.setString(x, area.y, " › \(title)", style: bar, maxWidth: 28, truncation: .ellipsis)
        let sections = L.t("header.sections") + "  " + (session.isSignedIn ? L.t("header.profile") : L.t("header.sign_in")) + (session.isStaff ? "  " + L.t("header.staff") : "")
        let who = session.user.map { $0.role.isStaff ? L.t("header.user_with_role", ["name": $0.displayName, "role": $0.role.rawValue]) : $0.displayName } ?? L.t("header.guest")
        // Three writes, three bidi runs: a Latin name never swaps places with Persian words.
        let pieces = [sections, "  │ ", who + " "]
        let width = pieces.map { TextWidth.of($0) }.reduce(0, +)
        if area.right - width > x + 1 {
            var col = area.right - width
            for piece in pieces { col = buffer.setString(col, area.y, piece, style: bar) }
        }
    }
}
