// Temporary showcase of the ShopTUI runtime; the screens will replace it.
import Foundation
import ShopTUI
#if canImport(Glibc)
import Glibc
#endif

struct Showcase: Program {
    enum Message: Sendable { case added(String), clearBanner }
    enum Action: Sendable { case move(Int), add, switchFocus, help, quit }
    enum Focus { case list, note }

    static let keys: KeyMap<Action> = [
        (.move(-1), KeyBinding(keys: [.up, .char("k")], label: "↑/↓", help: "move")),
        (.move(1), KeyBinding(keys: [.down, .char("j")], help: "down", showsInFooter: false)),
        (.move(-10), KeyBinding(keys: [.pageUp], help: "page up", showsInFooter: false)),
        (.move(10), KeyBinding(keys: [.pageDown], help: "page down", showsInFooter: false)),
        (.add, KeyBinding(keys: [.enter], help: "add to cart")),
        (.switchFocus, KeyBinding(keys: [.tab, .backTab], help: "note")),
        (.help, KeyBinding(keys: [.char("?")], help: "help")),
        (.quit, KeyBinding(keys: [.char("q")], help: "quit")),
    ]

    static let products: [[String]] = [
        ["Sourdough bread", "12", "4.50"],
        ["کیک شکلاتی", "3", "18.00"],
        ["نان سنگک ۲ عدد", "40", "1.20"],
        ["抹茶ラテ (matcha latte)", "7", "5.75"],
        ["Strawberry cake 🍓", "5", "22.00"],
        ["김치 kimchi 500g", "9", "6.30"],
        ["Croissant", "25", "2.10"],
        ["شیرینی خامه‌ای (12 pieces)", "6", "15.00"],
        ["Café au lait ☕", "30", "3.20"],
        ["Baguette", "18", "2.40"],
        ["Olive oil 1L", "11", "9.90"],
        ["چای ایرانی ۵۰۰ گرم", "14", "7.80"],
    ]

    var list = ListState()
    var note = TextFieldState(maxLength: 40)
    var focus = Focus.list
    var showingHelp = false
    var banner: Banner?
    var seconds = 0
    var cartCount = 0
    var size = (width: 80, height: 24)
    var isFinished = false

    var visibleRows: Int { max(1, size.height - 10) }

    mutating func update(_ event: Event<Message>) -> [Effect<Message>] {
        switch event {
        case .tick:
            seconds += 1
        case .resize(let w, let h):
            size = (w, h)
        case .message(.added(let name)):
            cartCount += 1
            banner = Banner("Added \(name) to the cart", kind: .success)
            return [.after(seconds: 3, .clearBanner)]
        case .message(.clearBanner):
            banner = nil
        case .key(let key):
            if showingHelp {
                showingHelp = false   // any key closes help
                return []
            }
            if focus == .note {
                if key == .escape || key == .tab || key == .backTab { focus = .list; return [] }
                if key == .enter {
                    banner = note.isEmpty ? Banner("The note is empty", kind: .error) : Banner("Note saved: \(note.text)")
                    return []
                }
                if note.handle(key) { return [] }
            }
            guard let action = Self.keys.action(for: key) else { return [] }
            switch action {
            case .move(let delta): list.moveSelection(by: delta, count: Self.products.count, visibleRows: visibleRows)
            case .switchFocus: focus = .note
            case .help: showingHelp = true
            case .quit: isFinished = true
            case .add:
                let name = Self.products[list.selected ?? 0][0]
                banner = Banner("Adding \(name)…")
                // Stands in for an engine call: runs off the UI thread, its result comes back as a message.
                return [.run { usleep(300_000); return .added(name) }]
            }
        }
        return []
    }

    struct Areas { var status, banner, products, note, footer: Rect }

    func areas(_ area: Rect) -> Areas {
        let rows = Layout.vertical([.length(1), .length(1), .fill(1), .length(4), .length(1)]).split(area)
        return Areas(status: rows[0], banner: rows[1], products: rows[2], note: rows[3], footer: rows[4])
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let a = areas(area)
        StatusBar(left: "Shop — showcase", right: "cart: \(cartCount)  ⏱ \(seconds / 60):\(String(format2: seconds % 60)) ")
            .render(into: &buffer, area: a.status)
        banner?.render(into: &buffer, area: a.banner)

        let productsBlock = Block(title: "Products")
        productsBlock.render(into: &buffer, area: a.products)
        Table(columns: [.init("Product", width: .fill(1)), .numeric("Stock", width: 6), .numeric("Price", width: 8)],
              rows: Self.products,
              highlightStyle: focus == .list ? Theme.selection : Style(modifiers: .underline))
            .render(into: &buffer, area: productsBlock.inner(a.products).inner(horizontal: 1, vertical: 0), state: list)

        let noteBlock = Block(title: "Note (Tab)")
        noteBlock.render(into: &buffer, area: a.note)
        TextField(placeholder: "type a note for the order…", isFocused: focus == .note)
            .render(into: &buffer, area: noteBlock.inner(a.note).inner(horizontal: 1, vertical: 0), state: note)

        Footer(Self.keys).render(into: &buffer, area: a.footer)
        if showingHelp { HelpOverlay(Self.keys).render(into: &buffer, area: area) }
    }

    func cursor(in area: Rect) -> (x: Int, y: Int)? {
        guard focus == .note, !showingHelp else { return nil }
        let noteArea = Block(title: "Note").inner(areas(area).note).inner(horizontal: 1, vertical: 0)
        return TextField(isFocused: true).cursorPosition(area: noteArea, state: note)
    }
}

extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}

// MARK: - Start

let backend: NCursesBackend
do {
    backend = try NCursesBackend()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
var options = RunnerOptions()
options.idleTimeout = getenv("SHOP_IDLE_SECONDS").flatMap { Double(String(cString: $0)) } ?? 15 * 60
let runner = Runner(program: Showcase(), backend: backend, options: options)
let reason = runner.run()
backend.restore()
if getenv("SHOP_TUI_STATS") != nil {
    let stats = "stop: \(reason), frames: \(runner.framesDrawn), first frame: \(runner.firstFrameSeconds ?? 0) s, term: \(backend.terminalType), colors: \(backend.colorDepth)\n"
    FileHandle.standardError.write(Data(stats.utf8))
}
switch reason {
case .idleTimeout: print("Session ended after being idle.")
case .signal(let s): exit(128 + s)
default: break
}
