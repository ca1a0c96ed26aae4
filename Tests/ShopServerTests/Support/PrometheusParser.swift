import Foundation

// MARK: - A small parser for the Prometheus text format (what a scraper would read)

/// A parsed `/metrics` page: every sample line is `name{label="value",…} number`, and every
/// sample belongs to a family announced by `# HELP` and `# TYPE` lines above it.
struct MetricsPage {
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    private(set) var samples: [Sample] = []
    private(set) var types: [String: String] = [:]
    private(set) var helps: Set<String> = []

    struct ParseError: Error, CustomStringConvertible { let description: String }

    init(_ text: String) throws {
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            func fail(_ why: String) -> ParseError { ParseError(description: "line \(number + 1) \(why): \(line)") }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3)
                guard words.count >= 3, words[0] == "#" else { throw fail("is a malformed comment") }
                if words[1] == "TYPE" {
                    guard words.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(words[3]) else { throw fail("has a bad TYPE") }
                    guard types[String(words[2])] == nil else { throw fail("repeats a TYPE") }
                    types[String(words[2])] = String(words[3])
                } else if words[1] == "HELP" {
                    helps.insert(String(words[2]))
                }
                continue
            }
            let sample = try Self.sample(Substring(line)) ?? { throw fail("is not name{labels} value") }()
            guard let family = family(of: sample.name) else { throw fail("has no # TYPE for its family") }
            guard helps.contains(family) else { throw fail("has no # HELP for its family") }
            samples.append(sample)
        }
    }

    /// The family a sample belongs to (`x_bucket`, `x_sum` and `x_count` belong to histogram `x`).
    func family(of name: String) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return nil
    }

    /// The value of the one sample with this name and exactly these labels (0 when absent:
    /// a counter not yet incremented has no line).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.first { $0.name == name && $0.labels == labels }?.value ?? 0
    }

    private static func sample(_ line: Substring) throws -> Sample? {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !key.isEmpty else { return nil }
                rest = rest.dropFirst(key.count)
                guard rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while let c = rest.first, c != "\"" {
                    rest = rest.dropFirst()
                    if c == "\\" {
                        guard let escaped = rest.first else { return nil }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(escaped)
                        default: return nil
                        }
                    } else {
                        value.append(c)
                    }
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                guard labels[String(key)] == nil else { return nil }
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let text = rest.dropFirst()
        let value: Double
        switch text {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(text) else { return nil }
            value = parsed
        }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
