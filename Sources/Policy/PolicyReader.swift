import Yams

/// Reads a policy's YAML nodes strictly: every mapping's members are known ones, given
/// once; every value has the type its member needs. Each refusal names the file and
/// line (spec/policy.md §1), so that a misspelt rule is never silently ignored.
struct PolicyReader {
    let source: String

    func place(_ node: Node) -> String { node.mark.map { "\(source):\($0.line)" } ?? source }

    /// The members of a mapping, in the order written.
    func members(of node: Node, in what: String, known: [String]) throws -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            throw PolicyError("\(place(node)): \(what) must be a mapping of \(known.joined(separator: ", "))")
        }
        var seen = Set<String>()
        var result = [(String, Node)]()
        for (key, value) in mapping {
            guard case .scalar(let name) = key else {
                throw PolicyError("\(place(key)): a rule's name must be a plain word")
            }
            guard known.contains(name.string) else {
                throw PolicyError(
                    "\(place(key)): unknown rule '\(name.string)' in \(what) (known: \(known.joined(separator: ", ")))")
            }
            guard seen.insert(name.string).inserted else {
                throw PolicyError("\(place(key)): '\(name.string)' is given twice")
            }
            result.append((name.string, value))
        }
        return result
    }

    /// A list of strings: `- 3` is a number and refused, quoted `- "3"` a string.
    func strings(_ node: Node, name: String, what: String) throws -> [(text: String, node: Node)] {
        guard case .sequence(let list) = node else {
            throw PolicyError("\(place(node)): \(name) must be a list of \(what)")
        }
        return try list.map { entry in
            guard case .scalar(let scalar) = entry, entry.tag == Tag(.str) else {
                throw PolicyError("\(place(entry)): \(name) must be a list of \(what)")
            }
            return (scalar.string, entry)
        }
    }

    func pathPatterns(_ node: Node, name: String) throws -> [PathPattern] {
        try strings(node, name: name, what: "path patterns").map { text, entry in
            do { return try PathPattern(text) } catch let error as PolicyError {
                throw PolicyError("\(place(entry)): \(error.description)")
            }
        }
    }

    /// `unit`: what the number counts, said in the error (`seconds`).
    func integer(_ node: Node, name: String, in range: ClosedRange<Int>, unit: String? = nil) throws -> Int {
        guard case .scalar = node, node.tag == Tag(.int), let value = node.int, range.contains(value) else {
            throw PolicyError(
                "\(place(node)): \(name) must be a whole number\(unit.map { " of " + $0 } ?? "") from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return value
    }

    func severity(_ node: Node) throws -> Severity {
        guard case .scalar(let scalar) = node, let severity = Severity(rawValue: scalar.string) else {
            throw PolicyError("\(place(node)): severity must be error or warning")
        }
        return severity
    }

    /// An approver: an e-mail address pattern with one `@` and something on each side
    /// (`security@acme.io`, `*@compliance.acme.io`); anything else matches no signer.
    func approver(_ entry: (text: String, node: Node)) throws -> NamePattern {
        let parts = entry.text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let domain = parts.last, !domain.isEmpty,
            domain.contains(".") || domain.contains("*"), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !entry.text.contains(where: \.isWhitespace)
        else {
            throw PolicyError(
                "\(place(entry.node)): approver '\(entry.text)' matches no e-mail address (expected name@domain, `*` for any run: *@compliance.acme.io)"
            )
        }
        return NamePattern(entry.text)
    }

    func alerts(_ node: Node) throws -> Alerts {
        var alerts = Alerts()
        for (name, value) in try members(of: node, in: "alerts", known: ["command", "webhook", "required", "timeout"]) {
            switch name {
            case "command":
                guard case .scalar(let text) = value, value.tag == Tag(.str), !text.string.isEmpty,
                    !text.string.contains(where: \.isNewline)
                else {
                    throw PolicyError("\(place(value)): command must be a program's path (from the repository's top)")
                }
                alerts.command = text.string
            case "webhook":
                guard case .scalar(let text) = value, let url = Optional(text.string),
                    url.hasPrefix("https://") || url.hasPrefix("http://"),
                    url.count > 8,
                    !url.contains(where: { $0.isWhitespace || $0.isNewline || $0.asciiValue.map { $0 < 32 } ?? false })
                else {
                    throw PolicyError("\(place(value)): webhook must be an http:// or https:// URL")
                }
                alerts.webhook = url
            case "timeout":
                alerts.timeout = try integer(value, name: "timeout", in: Alerts.timeouts, unit: "seconds")
            default:  // required
                guard case .scalar = value, value.tag == Tag(.bool), let flag = value.bool else {
                    throw PolicyError("\(place(value)): required must be true or false")
                }
                alerts.required = flag
            }
        }
        guard alerts.command != nil || alerts.webhook != nil else {
            throw PolicyError("\(place(node)): alerts needs a command or a webhook")
        }
        return alerts
    }

    /// The top-level rules and the path groups (`rules.paths`).
    func rules(_ node: Node) throws -> (Rules, [PathGroup]) {
        let members = try self.members(
            of: node, in: "rules",
            known: ["max_ai_share", "sensitive_review", "models", "agents", "require_records", "paths"])
        var rules = Rules()
        for (name, value) in members where name != "paths" {
            try read(name, value, into: &rules, inheriting: nil)
        }
        var groups = [PathGroup]()
        if let paths = members.first(where: { $0.0 == "paths" })?.1 {
            guard case .sequence(let list) = paths else {
                throw PolicyError("\(place(paths)): paths must be a list of {match: [patterns], rules…}")
            }
            for entry in list {
                var group = PathGroup(match: [], rules: Rules(), place: place(entry))
                var matched = false
                for (name, value) in try self.members(
                    of: entry, in: "a path group",
                    known: ["match", "max_ai_share", "sensitive_review", "models", "agents"])
                {
                    if name == "match" {
                        group.match = try pathPatterns(value, name: "match")
                        guard !group.match.isEmpty else {
                            throw PolicyError("\(place(value)): match must name at least one path pattern")
                        }
                        matched = true
                    } else {
                        try read(name, value, into: &group.rules, inheriting: rules)
                    }
                }
                guard matched else { throw PolicyError("\(place(entry)): a path group needs match: [path patterns]") }
                groups.append(group)
            }
        }
        return (rules, groups)
    }

    /// One rule into `rules`. In a path group (`inheriting` the top-level rules) a
    /// rule may leave out its severity, and then has the top-level rule's.
    private func read(_ name: String, _ node: Node, into rules: inout Rules, inheriting top: Rules?) throws {
        func severity(_ members: [(String, Node)], inherited: Severity?) throws -> Severity {
            if let value = members.first(where: { $0.0 == "severity" })?.1 { return try self.severity(value) }
            if let inherited { return inherited }
            throw PolicyError(
                "\(place(node)): \(name) needs a severity (error or warning)"
                    + (top == nil ? "" : ": there is no top-level \(name) to take it from"))
        }
        switch name {
        case "max_ai_share":
            let members = try self.members(of: node, in: name, known: ["percent", "severity"])
            guard let percent = members.first(where: { $0.0 == "percent" })?.1 else {
                throw PolicyError("\(place(node)): max_ai_share needs percent (0 to 100)")
            }
            rules.maxAIShare = Rules.MaxAIShare(
                percent: try integer(percent, name: "percent", in: 0...100),
                severity: try severity(members, inherited: top?.maxAIShare?.severity))
        case "sensitive_review":
            let members = try self.members(of: node, in: name, known: ["reviews", "severity"])
            let reviews = try members.first(where: { $0.0 == "reviews" }).map {
                try integer($0.1, name: "reviews", in: 1...10)
            }
            rules.sensitiveReview = Rules.SensitiveReview(
                reviews: reviews ?? top?.sensitiveReview?.reviews ?? 1,
                severity: try severity(members, inherited: top?.sensitiveReview?.severity))
        case "models", "agents":
            let members = try self.members(of: node, in: name, known: ["allow", "deny", "severity"])
            let isModels = name == "models"
            func patterns(_ list: String) throws -> [NamePattern]? {
                guard let value = members.first(where: { $0.0 == list })?.1 else { return nil }
                let what = isModels ? "model patterns (provider/model)" : "agent name patterns"
                return try strings(value, name: "\(name).\(list)", what: what).map { text, entry in
                    try isModels ? modelPattern(text, entry) : agentPattern(text, entry)
                }
            }
            let allow = try patterns("allow"), deny = try patterns("deny")
            guard allow != nil || deny != nil else {
                throw PolicyError("\(place(node)): \(name) needs allow or deny (a list of patterns)")
            }
            let inherited = isModels ? top?.models?.severity : top?.agents?.severity
            let names = Rules.Names(
                allow: allow, deny: deny ?? [], severity: try severity(members, inherited: inherited))
            if isModels { rules.models = names } else { rules.agents = names }
        default:  // require_records
            let members = try self.members(of: node, in: name, known: ["severity"])
            rules.requireRecords = Rules.RequireRecords(severity: try severity(members, inherited: nil))
        }
    }

    /// Model ids are `provider/model` (spec/records.md §4.1): a pattern of another form
    /// could never match one, so it is refused rather than silently matching nothing.
    private func modelPattern(_ text: String, _ node: Node) throws -> NamePattern {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(where: \.isWhitespace) else {
            throw PolicyError(
                "\(place(node)): model pattern '\(text)' matches no model id (ids are provider/model: anthropic/*, openai/gpt-5*)"
            )
        }
        return NamePattern(text)
    }

    private func agentPattern(_ text: String, _ node: Node) throws -> NamePattern {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw PolicyError(
                "\(place(node)): agent pattern '\(text)' matches no agent name (names are words: claude-code, cursor)")
        }
        return NamePattern(text)
    }
}
