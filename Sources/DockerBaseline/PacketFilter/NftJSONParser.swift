import Foundation

/// Reads `nft -j list ruleset` into tables of chains: native nftables rule sets, firewalld's (which uses nftables),
/// and Docker's own nftables backend. Tables iptables-nft owns are left to `IptablesSaveParser`, which reads them
/// better (their rules are `xt` expressions in JSON).
public enum NftJSONParser {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The tables of `family` in `json`, skipping tables named in `skipping` (`ip filter`, `ip6 nat`, …).
    public static func parse(_ json: String, family: AddressFamily, skipping: Set<String> = []) throws -> [FilterTable] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let items = root["nftables"] as? [[String: Any]] else {
            throw Problem(message: "not the JSON of `nft -j list ruleset` (no \"nftables\" array)")
        }
        var tables: [String: FilterTable] = [:]
        var order: [String] = []
        var sets: [String: AddressMatch] = [:]
        func key(_ object: [String: Any]) -> String? {
            guard let tableFamily = object["family"] as? String, let table = object["table"] as? String ?? object["name"] as? String else { return nil }
            return "\(tableFamily) \(table)"
        }
        func applies(_ tableFamily: String) -> Bool {
            switch tableFamily {
            case "inet", "bridge", "netdev": return tableFamily == "inet"
            case "ip": return family == .ipv4
            case "ip6": return family == .ipv6
            default: return false
            }
        }
        // Named sets first: rules refer to them by name.
        for item in items {
            guard let set = item["set"] as? [String: Any], let table = key(set), let name = set["name"] as? String else { continue }
            sets["\(table) @\(name)"] = namedSet(set, family: family)
        }
        for item in items {
            if let table = item["table"] as? [String: Any], let name = key(table), let tableFamily = table["family"] as? String,
               applies(tableFamily), !skipping.contains(name) {
                tables[name] = FilterTable(name: "nft \(name)", family: family)
                order.append(name)
            } else if let chain = item["chain"] as? [String: Any], let table = key(chain), tables[table] != nil, let name = chain["name"] as? String {
                let policy: FilterAction? = chain["hook"] == nil ? nil : ((chain["policy"] as? String) == "drop" ? .drop : .accept)
                tables[table]?.chains[name] = FilterChain(name: name, policy: policy)
                if let hookName = chain["hook"] as? String, let hook = FilterHook(rawValue: hookName), let type = chain["type"] as? String,
                   type == "filter" || type == "nat" {
                    let priority = (chain["prio"] as? Int) ?? 0
                    tables[table]?.baseChains.append(BaseChain(table: "nft \(table)", name: name, hook: hook, priority: priority, isNAT: type == "nat"))
                }
            } else if let rule = item["rule"] as? [String: Any], let table = key(rule), tables[table] != nil, let chain = rule["chain"] as? String {
                let expressions = rule["expr"] as? [[String: Any]] ?? []
                let parsed = Self.rule(expressions, family: family, table: table, sets: sets)
                tables[table]?.chains[chain, default: FilterChain(name: chain, policy: nil)].rules.append(parsed)
            }
        }
        return order.compactMap { tables[$0] }
    }

    static func namedSet(_ set: [String: Any], family: AddressFamily) -> AddressMatch {
        let name = set["name"] as? String ?? "?"
        guard let type = set["type"] as? String, type == (family == .ipv4 ? "ipv4_addr" : "ipv6_addr") else { return .named(name) }
        var result = AddressSet.none(family)
        for element in set["elem"] as? [Any] ?? [] {
            guard let addresses = addressSet(element, family: family) else { return .named(name) }
            result = result.union(addresses)
        }
        return .set(result)
    }

    /// An address, a prefix, a range, or an anonymous set of them.
    static func addressSet(_ value: Any, family: AddressFamily) -> AddressSet? {
        if let text = value as? String { return AddressSet(cidr: text, family: family) }
        guard let object = value as? [String: Any] else { return nil }
        if let prefix = object["prefix"] as? [String: Any], let address = prefix["addr"] as? String, let length = prefix["len"] as? Int {
            return AddressSet(cidr: "\(address)/\(length)", family: family)
        }
        if let range = object["range"] as? [String], range.count == 2 { return AddressSet(cidr: "\(range[0])-\(range[1])", family: family) }
        if let elements = object["set"] as? [Any] {
            var result = AddressSet.none(family)
            for element in elements {
                guard let part = addressSet(element, family: family) else { return nil }
                result = result.union(part)
            }
            return result
        }
        if let element = object["elem"] as? [String: Any], let value = element["val"] { return addressSet(value, family: family) }
        return nil
    }

    static func ports(_ value: Any) -> PortSet? {
        if let port = value as? Int { return PortSet(ranges: [port...port]) }
        if let text = value as? String { return PortSet(text) }
        guard let object = value as? [String: Any] else { return nil }
        if let range = object["range"] as? [Int], range.count == 2, range[0] <= range[1] { return PortSet(ranges: [range[0]...range[1]]) }
        if let elements = object["set"] as? [Any] {
            var ranges: [ClosedRange<Int>] = []
            for element in elements {
                guard let part = ports(element) else { return nil }
                ranges += part.ranges
            }
            return ranges.isEmpty ? nil : PortSet(ranges: ranges)
        }
        return nil
    }

    static func strings(_ value: Any) -> [String]? {
        if let text = value as? String { return [text] }
        if let list = value as? [String] { return list }
        if let object = value as? [String: Any], let elements = object["set"] as? [Any] { return elements.compactMap { $0 as? String } }
        return nil
    }

    static func rule(_ expressions: [[String: Any]], family: AddressFamily, table: String, sets: [String: AddressMatch]) -> FilterRule {
        var conditions: [FilterCondition] = []
        var action = FilterAction.continues("no verdict")
        var words: [String] = []
        for expression in expressions {
            guard let (name, body) = expression.first else { continue }
            switch name {
            case "match":
                guard let match = body as? [String: Any], let left = match["left"] as? [String: Any], let right = match["right"] else {
                    conditions.append(.unmodelled("match"))
                    continue
                }
                let op = match["op"] as? String ?? "=="
                guard op == "==" || op == "!=" || op == "in" else {
                    conditions.append(.unmodelled("match \(op)"))
                    continue
                }
                conditions += Self.conditions(left: left, right: right, negated: op == "!=", family: family, table: table, sets: sets)
                words.append(describe(left) + (op == "!=" ? " != " : " ") + describe(right))
            case "accept": action = .accept; words.append("accept")
            case "drop": action = .drop; words.append("drop")
            case "reject": action = .reject; words.append("reject")
            case "return": action = .returns; words.append("return")
            case "jump", "goto":
                let target = (body as? [String: Any])?["target"] as? String ?? "?"
                action = name == "jump" ? .jump(target) : .goto(target)
                words.append("\(name) \(target)")
            case "dnat":
                let object = body as? [String: Any] ?? [:]
                action = .dnat(address: object["addr"] as? String, port: object["port"] as? Int)
                words.append("dnat to \(object["addr"] as? String ?? "?")\((object["port"] as? Int).map { ":\($0)" } ?? "")")
            case "counter", "log", "comment":
                continue
            case "xt":
                conditions.append(.unmodelled("xt \((body as? [String: Any])?["name"] as? String ?? "?")"))
                words.append("xt")
            default:
                if name == "masquerade" || name == "snat" || name == "mangle" || name == "notrack" || name == "ct" {
                    if case .continues = action { action = .continues(name) }
                } else {
                    conditions.append(.unmodelled(name))
                }
                words.append(name)
            }
        }
        return FilterRule(conditions: conditions, action: action, text: "nft \(table): " + words.joined(separator: " "))
    }

    static func conditions(left: [String: Any], right: Any, negated: Bool, family: AddressFamily, table: String,
                           sets: [String: AddressMatch]) -> [FilterCondition] {
        let condition = Self.condition(left: left, right: right, negated: negated, family: family, table: table, sets: sets)
        // `tcp dport 80` also says the protocol is TCP.
        if let payload = left["payload"] as? [String: Any], let proto = payload["protocol"] as? String, proto != "th",
           let field = payload["field"] as? String, field == "dport" || field == "sport" {
            return [.proto(proto, negated: false), condition]
        }
        return [condition]
    }

    static func condition(left: [String: Any], right: Any, negated: Bool, family: AddressFamily, table: String,
                          sets: [String: AddressMatch]) -> FilterCondition {
        func addresses() -> AddressMatch? {
            if let text = right as? String, text.hasPrefix("@") { return sets["\(table) \(text)"] ?? .named(String(text.dropFirst())) }
            return addressSet(right, family: family).map(AddressMatch.set)
        }
        if let payload = left["payload"] as? [String: Any], let proto = payload["protocol"] as? String, let field = payload["field"] as? String {
            switch (proto, field) {
            case ("ip", "saddr"), ("ip6", "saddr"), ("ip", "daddr"), ("ip6", "daddr"):
                guard (proto == "ip") == (family == .ipv4) else { return .family(proto == "ip" ? .ipv4 : .ipv6) }
                guard let match = addresses() else { return .unmodelled("\(proto) \(field)") }
                return field == "saddr" ? .source(match, negated: negated) : .destination(match, negated: negated)
            case (_, "dport"), (_, "sport"):
                guard let set = ports(right) else { return .unmodelled("\(proto) \(field)") }
                return field == "dport" ? .destinationPort(set, negated: negated) : .sourcePort(set, negated: negated)
            default:
                return .unmodelled("\(proto) \(field)")
            }
        }
        if let meta = left["meta"] as? [String: Any], let key = meta["key"] as? String {
            switch key {
            case "iifname", "oifname":
                guard let names = strings(right), names.count == 1 else { return .unmodelled("meta \(key)") }
                // nft writes a wildcard as `eth*`; iptables as `eth+`.
                let name = names[0].hasSuffix("*") ? names[0].dropLast() + "+" : names[0]
                return key == "iifname" ? .inInterface(name, negated: negated) : .outInterface(name, negated: negated)
            case "l4proto":
                guard let names = strings(right), names.count == 1 else { return .unmodelled("meta l4proto") }
                return .proto(names[0], negated: negated)
            case "nfproto":
                guard let names = strings(right), names.count == 1 else { return .unmodelled("meta nfproto") }
                let wanted: AddressFamily = names[0] == "ipv4" ? .ipv4 : .ipv6
                return negated ? .family(wanted == .ipv4 ? .ipv6 : .ipv4) : .family(wanted)
            default:
                return .unmodelled("meta \(key)")
            }
        }
        if let ct = left["ct"] as? [String: Any], ct["key"] as? String == "state", let states = strings(right) {
            return .connectionState(Set(states.map { $0.uppercased() }), negated: negated)
        }
        if let fib = left["fib"] as? [String: Any], fib["result"] as? String == "type", (fib["flags"] as? [String])?.contains("daddr") == true,
           let types = strings(right), types == ["local"] {
            return .destinationIsLocal(negated: negated)
        }
        return .unmodelled(describe(left))
    }

    static func describe(_ value: Any) -> String {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        guard let object = value as? [String: Any], let (key, body) = object.first else { return "?" }
        switch key {
        case "payload":
            let payload = body as? [String: Any] ?? [:]
            return "\(payload["protocol"] as? String ?? "?") \(payload["field"] as? String ?? "?")"
        case "meta", "ct":
            return "\(key) \((body as? [String: Any])?["key"] as? String ?? "?")"
        case "prefix":
            let prefix = body as? [String: Any] ?? [:]
            return "\(prefix["addr"] as? String ?? "?")/\(prefix["len"] as? Int ?? 0)"
        case "set":
            return "{ " + (body as? [Any] ?? []).map(describe).joined(separator: ", ") + " }"
        case "range":
            return (body as? [Any] ?? []).map(describe).joined(separator: "-")
        default:
            return key
        }
    }
}
