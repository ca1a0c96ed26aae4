import Testing
@testable import ShopTUI

@Suite("Color and Style")
struct StyleTests {
    @Test("256-color indexes degrade to the nearest of the 8 basic colors")
    func basic8() {
        #expect(Color.indexed(196).degraded(to: .basic8) == .red)      // bright red in the cube
        #expect(Color.indexed(46).degraded(to: .basic8) == .green)
        #expect(Color.indexed(21).degraded(to: .basic8) == .blue)
        #expect(Color.indexed(226).degraded(to: .basic8) == .yellow)
        #expect(Color.indexed(9).degraded(to: .basic8) == .red)        // bright ANSI red
        #expect(Color.indexed(250).degraded(to: .basic8) == .white)    // light gray
        #expect(Color.cyan.degraded(to: .basic8) == .cyan)
    }

    @Test("in monochrome a colored background becomes reverse and a colored foreground bold")
    func monochrome() {
        #expect(Theme.selection.degraded(to: .monochrome) == Style(modifiers: .reverse))
        #expect(Style(fg: .red).degraded(to: .monochrome) == Style(modifiers: .bold))
        #expect(Style().underline().degraded(to: .monochrome) == Style().underline())
    }

    @Test("patching keeps colors the patch leaves default and adds modifiers")
    func patch() {
        #expect(Style(fg: .red).patched(with: Style(bg: .blue).bold()) == Style(fg: .red, bg: .blue, modifiers: .bold))
    }
}
