/// English left on a Persian screen: the runs of ASCII letters that are not a key name, a code
/// or part of a value the data holds (a name, SKU or email, whole or cut to fit a column). Words
/// inside a file path (a saved receipt) are values too. Single letters are key names (`n`, `F2`).
enum EnglishOnScreen {
    static let keyNames: Set<String> = ["Shop", "Enter", "Esc", "Tab", "Backspace", "Ctrl", "Del", "PgUp", "PgDn", "Home", "End",
                                        "SSH", "JSON", "English", "IRR", "USD", "SKU"]

    static func words(_ lines: [String], allowed values: [String] = []) -> [String] {
        var found: [String] = []
        for line in lines {
            let outsidePaths = line.split(separator: " ").filter { !$0.contains("/") }.joined(separator: " ")
            for run in outsidePaths.split(whereSeparator: { !($0.isASCII && $0.isLetter) }) {
                let word = String(run)
                if word.count == 1 || keyNames.contains(word) || values.contains(where: { $0.contains(word) }) { continue }
                found.append(word)
            }
        }
        return found
    }
}
