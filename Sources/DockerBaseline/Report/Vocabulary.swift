/// The words reports share, in every language: statuses, severities, section titles and evidence keys.
enum Vocabulary {
    static func status(_ status: Status, _ language: Language) -> String {
        guard language == .zh else { return status.rawValue }
        switch status {
        case .pass: return "通过"
        case .fail: return "失败"
        case .warn: return "待复核"
        case .info: return "信息"
        case .skipped: return "跳过"
        case .error: return "错误"
        case .waived: return "已豁免"
        }
    }

    static func severity(_ severity: Severity, _ language: Language) -> String {
        guard language == .zh else { return severity.rawValue }
        switch severity {
        case .critical: return "严重"
        case .high: return "高危"
        case .medium: return "中危"
        case .low: return "低危"
        case .info: return "提示"
        }
    }

    static let sectionTitles: [String: LocalizedText] = [
        "1": .init(en: "1 Host configuration", zh: "1 宿主机配置"),
        "2": .init(en: "2 Docker daemon configuration", zh: "2 Docker 守护进程配置"),
        "3": .init(en: "3 Docker daemon configuration files", zh: "3 Docker 守护进程配置文件"),
        "4": .init(en: "4 Container images and build files", zh: "4 容器镜像与构建文件"),
        "5": .init(en: "5 Container runtime", zh: "5 容器运行时"),
        "6": .init(en: "6 Docker security operations", zh: "6 Docker 安全运维"),
        "7": .init(en: "7 Docker swarm configuration", zh: "7 Docker Swarm 配置"),
        "network": .init(en: "Network exposure: the firewall and the Docker API", zh: "网络暴露：防火墙与 Docker API"),
        "other": .init(en: "Collection", zh: "数据采集"),
    ]

    static func section(_ section: String, _ language: Language) -> String { sectionTitles[section]?[language] ?? section }

    /// Evidence keys written in words, in Chinese. Keys that are the engine's or dockerd's own names (`CapAdd`,
    /// `log-driver`) are not translated, nor are keys not listed here.
    static let evidenceKeys: [String: String] = [
        "path": "路径", "mode": "权限", "owner": "属主", "type": "类型", "excess bits": "多余权限位",
        "rules from": "规则来源", "watched by": "监视规则", "engine": "引擎", "engine reports": "引擎报告",
        "engine reports Debug": "引擎报告的 Debug", "advisories": "安全公告", "published": "发布的端口",
        "log shippers on the host": "宿主机上的日志转发程序", "kernel": "内核", "operating system": "操作系统",
        "built by": "构建指令", "listening": "监听", "layers": "镜像层", "collected": "采集时间", "lifecycle": "生命周期",
        "hosts": "监听地址", "secrets": "密钥", "upstream base": "上游基础版本", "storage driver": "存储驱动",
        "affected by": "受影响的公告", "unused": "未使用", "networks": "网络", "images": "镜像", "containers": "容器",
        "mounted on": "挂载位置", "image id": "镜像 ID", "source": "来源", "sources": "来源", "created from": "创建自",
        "dangling": "悬空", "in use": "使用中", "instructions": "指令", "package": "软件包", "image User": "镜像 User",
        "check with the distribution": "请向发行版核实", "sensitive mounts": "敏感挂载", "mounts": "挂载",
        "bind mounts": "绑定挂载", "shared mounts": "共享挂载", "cgroup version": "cgroup 版本", "problems": "问题",
        "distribution": "发行版", "host AppArmor": "宿主机 AppArmor", "host SELinux": "宿主机 SELinux",
        "not running": "未运行", "running": "运行中", "privileged ports": "特权端口", "managers": "管理节点",
        "nodes": "节点", "limit": "上限", "virtualization": "虚拟化", "docker group": "docker 组",
        "sshd processes": "sshd 进程", "processes": "进程", "trusted": "可信用户", "root CA valid from": "根 CA 生效时间",
        "options": "选项", "allowed unconditionally": "无条件允许", "driver": "驱动", "daemon default": "守护进程默认值",
        "age": "时长", "unread": "未读取", "not exploitable here": "此处无法利用", "role": "角色", "health": "健康状态",
        "advertise address": "通告地址", "database": "漏洞数据库", "packages": "软件包", "database problems": "数据库问题",
    ]

    /// Evidence values written in words, in Chinese.
    static let evidenceValues: [String: String] = [
        "not set": "未设置", "(unset)": "（未设置）", "not examined": "未检查", "none": "无", "unknown": "未知",
        "yes": "是", "no": "否", "enabled": "已启用", "disabled": "已禁用",
    ]

    static func evidenceKey(_ key: String, _ language: Language) -> String {
        language == .zh ? evidenceKeys[key] ?? key : key
    }

    static func evidenceValue(_ value: String, _ language: Language) -> String {
        guard language == .zh else { return value }
        if let word = evidenceValues[value] { return word }
        // "not set (default false)"
        if value.hasPrefix("not set (default "), value.hasSuffix(")") {
            return "未设置（默认 \(value.dropFirst("not set (default ".count).dropLast())）"
        }
        return value
    }
}

extension Result {
    /// The rule's remediation with what this finding knows filled in: a `<path>` (`<路径>`) placeholder becomes the
    /// path in the evidence, or the file the finding is about.
    public func remediation(_ language: Language) -> String {
        var text = rule.remediation[language]
        guard text.contains("<") else { return text }
        var known = finding.evidence
        if target.kind == .file, target.id.hasPrefix("/"), known["path"] == nil { known["path"] = target.id }
        for (key, value) in known {
            text = text.replacingOccurrences(of: "<\(key)>", with: value)
            if let word = Vocabulary.evidenceKeys[key] { text = text.replacingOccurrences(of: "<\(word)>", with: value) }
        }
        return text
    }

    /// The remediation's first sentence: what to do, for a one-line listing.
    func fixHint(_ language: Language) -> String {
        let text = remediation(language)
        let end = language == .zh ? text.range(of: "。") : text.range(of: #"\. (?=[A-Z])"#, options: .regularExpression)
        return end.map { String(text[..<$0.lowerBound]) } ?? text
    }

    /// The evidence worth printing beside the message, in `language`: an entry the message already says (its value
    /// with its key, or a value too particular to be a coincidence, such as `0666` or a path) is left out.
    func evidence(beyondMessageIn language: Language) -> [(key: String, value: String)] {
        let message = finding.message[language]
        func repeated(_ key: String, _ value: String) -> Bool {
            guard value.count >= 3, message.contains(value) else { return false }
            return value.contains { !$0.isLetter && $0 != " " } || message.localizedCaseInsensitiveContains(key)
        }
        return finding.evidence.sorted { $0.key < $1.key }
            .filter { !repeated($0.key, $0.value) }
            .map { (Vocabulary.evidenceKey($0.key, language), Vocabulary.evidenceValue($0.value, language)) }
    }
}
