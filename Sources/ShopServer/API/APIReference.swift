import Foundation

/// `GET /docs`: a readable HTML reference rendered on the server from the same OpenAPI document
/// as `/openapi.json` — every route with its parameters, body fields, responses (with the error
/// codes their descriptions name) and a curl example. No scripts, no external assets.
enum APIReference {
    /// The page for `document` (the bytes of assets/openapi.json), or nil when it is not JSON.
    static func html(document: [UInt8], origin: String = "http://127.0.0.1:8080") -> [UInt8]? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(document))) as? [String: Any],
              let paths = root["paths"] as? [String: [String: Any]] else { return nil }
        let components = root["components"] as? [String: Any] ?? [:]
        let info = root["info"] as? [String: Any] ?? [:]
        var out = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(info["title"] as? String ?? "API")) — reference</title>
        <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
        code,pre{font-family:ui-monospace,monospace;background:#f4f4f4}pre{padding:.6rem;overflow-x:auto}
        table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
        section{border-top:1px solid #ddd;margin-top:1.5rem}.m{font-weight:bold;text-transform:uppercase}</style></head><body>
        <h1>\(escape(info["title"] as? String ?? "API")) <small>\(escape(info["version"] as? String ?? ""))</small></h1>
        <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
        <pre>\(escape(info["description"] as? String ?? ""))</pre>
        <h2>Routes</h2><ul>
        """
        let methods = ["get", "post", "put", "patch", "delete"]
        let operations: [(path: String, method: String, op: [String: Any], shared: [[String: Any]])] = paths.keys.sorted().flatMap { path in
            methods.compactMap { m in (paths[path]?[m] as? [String: Any]).map { (path, m, $0, paths[path]?["parameters"] as? [[String: Any]] ?? []) } }
        }
        for (path, method, op, _) in operations {
            out += "<li><a href=\"#\(anchor(method, path))\"><span class=m>\(method)</span> \(escape(path))</a> — \(escape(op["summary"] as? String ?? ""))</li>"
        }
        out += "</ul>"
        for (path, method, op, shared) in operations {
            out += "<section id=\"\(anchor(method, path))\"><h3><span class=m>\(method)</span> <code>\(escape(path))</code></h3>"
            out += "<p><b>\(escape(op["summary"] as? String ?? ""))</b></p>"
            if let description = op["description"] as? String { out += "<p>\(escape(description))</p>" }
            let parameters = (shared + (op["parameters"] as? [[String: Any]] ?? [])).map { resolve($0, components) }
            if !parameters.isEmpty {
                out += "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>schema</th><th>description</th></tr>"
                for p in parameters {
                    out += "<tr><td><code>\(escape(p["name"] as? String ?? ""))</code>\((p["required"] as? Bool) == true ? " (required)" : "")</td><td>\(escape(p["in"] as? String ?? ""))</td><td>\(escape(summary(p["schema"], components)))</td><td>\(escape(p["description"] as? String ?? ""))</td></tr>"
                }
                out += "</table>"
            }
            var exampleBody: String?
            if let body = op["requestBody"] as? [String: Any], let content = body["content"] as? [String: Any] {
                out += "<h4>Request body</h4>"
                for (type, media) in content.sorted(by: { $0.key < $1.key }) {
                    let schema = resolve((media as? [String: Any])?["schema"] as? [String: Any] ?? [:], components)
                    out += "<p><code>\(escape(type))</code> \(escape(body["description"] as? String ?? ""))</p>"
                    if let properties = schema["properties"] as? [String: Any] {
                        let required = Set(schema["required"] as? [String] ?? [])
                        out += "<table><tr><th>field</th><th>schema</th><th>description</th></tr>"
                        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
                            let property = resolve(value as? [String: Any] ?? [:], components)
                            out += "<tr><td><code>\(escape(name))</code>\(required.contains(name) ? " (required)" : "")</td><td>\(escape(summary(property, components)))</td><td>\(escape(property["description"] as? String ?? ""))</td></tr>"
                        }
                        out += "</table>"
                        if type == "application/json" {
                            exampleBody = "{" + properties.keys.sorted().filter { required.contains($0) }.map { "\"\($0)\": …" }.joined(separator: ", ") + "}"
                        }
                    }
                }
            }
            if let responses = op["responses"] as? [String: Any] {
                out += "<h4>Responses</h4><table><tr><th>status</th><th>description</th></tr>"
                for (status, value) in responses.sorted(by: { $0.key < $1.key }) {
                    let response = resolve(value as? [String: Any] ?? [:], components)
                    out += "<tr><td>\(escape(status))</td><td>\(escape(response["description"] as? String ?? ""))</td></tr>"
                }
                out += "</table>"
            }
            let secured = (op["security"] as? [[String: Any]]).map { $0.contains { !$0.isEmpty } } ?? (root["security"] != nil)
            var curl = "curl -X \(method.uppercased()) '\(origin)\(path)'"
            if secured { curl += " -H 'Authorization: Bearer $ACCESS'" }
            if let exampleBody { curl += " -H 'Content-Type: application/json' -d '\(exampleBody)'" }
            out += "<h4>Example</h4><pre>\(escape(curl))</pre></section>"
        }
        out += "</body></html>\n"
        return Array(out.utf8)
    }

    // MARK: - Helpers

    private static func resolve(_ node: [String: Any], _ components: [String: Any]) -> [String: Any] {
        guard let ref = node["$ref"] as? String, ref.hasPrefix("#/components/") else { return node }
        let parts = ref.dropFirst("#/components/".count).split(separator: "/").map(String.init)
        guard parts.count == 2, let target = (components[parts[0]] as? [String: Any])?[parts[1]] as? [String: Any] else { return node }
        return resolve(target, components)
    }

    /// A one-line schema: `string, 3–32, pattern ^…$` or `integer ≥ 1` or `Product`.
    private static func summary(_ node: Any?, _ components: [String: Any]) -> String {
        guard let node = node as? [String: Any] else { return "" }
        if let ref = node["$ref"] as? String { return String(ref.split(separator: "/").last ?? "") }
        var parts: [String] = []
        if let type = node["type"] as? String { parts.append(type) }
        if let types = node["type"] as? [String] { parts.append(types.joined(separator: " or ")) }
        if let format = node["format"] as? String { parts.append(format) }
        if let values = node["enum"] as? [Any] { parts.append("one of " + values.map { "\($0)" }.joined(separator: ", ")) }
        if let min = node["minimum"] { parts.append("≥ \(min)") }
        if let max = node["maximum"] { parts.append("≤ \(max)") }
        if let min = node["minLength"] { parts.append("length ≥ \(min)") }
        if let max = node["maxLength"] { parts.append("length ≤ \(max)") }
        if let pattern = node["pattern"] as? String { parts.append("pattern \(pattern)") }
        if let items = node["items"] { parts.append("of " + summary(items, components)) }
        return parts.joined(separator: ", ")
    }

    private static func anchor(_ method: String, _ path: String) -> String {
        method + "-" + path.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
