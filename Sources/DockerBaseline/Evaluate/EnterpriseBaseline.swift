/// The enterprise baseline's 18 items (../shared/baseline.md), graded basic (基础) or enhanced (增强), and the rules
/// that judge each. Selectors are rule ids or CIS 1.6.0 ids, with `*` globs.
public enum EnterpriseBaseline {
    public enum Grade: String, Sendable { case basic, enhanced }

    public struct Item: Sendable {
        public var number: Int
        public var grade: Grade
        public var title: LocalizedText
        public var selectors: [String]
    }

    public static let items: [Item] = [
        Item(number: 1, grade: .basic, title: .init(en: "Minimal containers", zh: "容器最小化"), selectors: ["5.7", "4.3"]),
        Item(number: 2, grade: .basic, title: .init(en: "Docker remote API access control", zh: "Docker remote API 访问控制"), selectors: ["2.7"]),
        Item(number: 3, grade: .basic, title: .init(en: "Traffic restriction", zh: "限制流量流向"), selectors: ["2.2", "2.4", "5.14", "5.30"]),
        Item(number: 4, grade: .basic, title: .init(en: "Non-root users", zh: "使用普通用户启动"), selectors: ["2.9", "2.1", "4.1", "5.31"]),
        Item(number: 5, grade: .basic, title: .init(en: "Filesystem limits", zh: "文件系统限制"), selectors: ["5.13", "5.6", "1.1.1"]),
        Item(number: 6, grade: .basic, title: .init(en: "Image security", zh: "镜像安全"), selectors: ["4.5", "4.6", "4.7", "4.9"]),
        Item(number: 7, grade: .basic, title: .init(en: "Client–daemon TLS", zh: "客户端与守护进程通信安全"), selectors: ["2.7", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]),
        Item(number: 8, grade: .basic, title: .init(en: "Resource limits", zh: "资源限制"), selectors: ["5.11", "5.12", "5.29", "2.8", "5.19"]),
        Item(number: 9, grade: .basic, title: .init(en: "Kernel patching", zh: "宿主机及时升级内核"), selectors: [RuleID.hostKernelAdvisories.rawValue, "1.2.2"]),
        Item(number: 10, grade: .basic, title: .init(en: "Information leaks", zh: "避免信息泄漏"), selectors: ["4.10"]),
        Item(number: 11, grade: .basic, title: .init(en: "SUID/SGID limits", zh: "SUID/SGID 限制"), selectors: ["5.4", "5.26", "2.14", "4.8"]),
        Item(number: 12, grade: .enhanced, title: .init(en: "SELinux / AppArmor", zh: "安全加固 SELinux/AppArmor/GRSEC"), selectors: ["5.2", "5.3", RuleID.hostSecurityModules.rawValue]),
        Item(number: 13, grade: .enhanced, title: .init(en: "System call restriction (seccomp)", zh: "限制系统调用"), selectors: ["2.17", "5.22"]),
        Item(number: 14, grade: .enhanced, title: .init(en: "Capability limits", zh: "能力限制"), selectors: ["5.4", "5.5"]),
        Item(number: 15, grade: .enhanced, title: .init(en: "Multi-tenancy", zh: "多租户环境"), selectors: ["2.2", "5.9"]),
        Item(number: 16, grade: .enhanced, title: .init(en: "Full virtualisation", zh: "完全虚拟化"), selectors: [RuleID.hostVirtualization.rawValue]),
        Item(number: 17, grade: .enhanced, title: .init(en: "Log analysis", zh: "日志分析"), selectors: ["2.13"]),
        Item(number: 18, grade: .enhanced, title: .init(en: "Auditing", zh: "审计"), selectors: ["1.1.*"]),
    ]

    /// The items a rule helps judge.
    public static func items(for rule: RuleMetadata) -> [Item] {
        items.filter { item in item.selectors.contains { RuleSelector.matches($0, rule) } }
    }
}
