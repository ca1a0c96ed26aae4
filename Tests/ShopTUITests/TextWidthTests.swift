import Testing
@testable import ShopTUI

@Suite("TextWidth")
struct TextWidthTests {
    @Test("ASCII letters are one column, controls none")
    func ascii() {
        #expect(TextWidth.of("Shop 42!") == 8)
        #expect(TextWidth.of("\t\n\u{7}") == 0)
    }

    @Test("CJK, kana, Hangul and fullwidth forms are two columns")
    func cjk() {
        #expect(TextWidth.of("漢字") == 4)
        #expect(TextWidth.of("ラテ") == 4)
        #expect(TextWidth.of("김치") == 4)
        #expect(TextWidth.of("ＡＢ") == 4)
        #expect(TextWidth.of("抹茶ラテ (matcha)") == 17)
    }

    @Test("emoji are two columns, including skin tones, flags, ZWJ sequences and VS16")
    func emoji() {
        #expect(TextWidth.of("🍓") == 2)
        #expect(TextWidth.of("👍🏽") == 2)
        #expect(TextWidth.of("🇮🇷") == 2)
        #expect(TextWidth.of("👩‍💻") == 2)
        #expect(TextWidth.of("❤️") == 2)   // U+2764 + VS16
        #expect(TextWidth.of("❤") == 1)    // text presentation
        #expect(TextWidth.of("☕") == 2)
    }

    @Test("combining marks, zero-width joiners and variation selectors take no column")
    func combining() {
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(TextWidth.of(Unicode.Scalar(0x200D)!) == 0)
        #expect(TextWidth.of(Unicode.Scalar(0xFE0F)!) == 0)
        #expect(TextWidth.of("a\u{200B}b") == 2)
    }

    @Test("Persian letters are one column each; harakat and ZWNJ take none")
    func persian() {
        #expect(TextWidth.of("کیک شکلاتی") == 10)
        #expect(TextWidth.of("نان سنگک ۲ عدد") == 14)
        #expect(TextWidth.of("خامه‌ای") == 6)          // with ZWNJ
        #expect(TextWidth.of("مُحَمَّد") == 4)          // with vowel marks
    }
}
