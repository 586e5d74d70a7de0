/// Docker's log drivers, as far as where the logs end up matters.
enum LogDrivers {
    /// Drivers that keep logs on the host's disk, and whether they rotate by default.
    static let local: [String: Bool] = ["json-file": false, "local": true, "journald": true]

    /// Drivers that hand logs to something else, and the option that names where; without it they write to a local
    /// default (syslog: the host's syslog socket; fluentd: localhost:24224; gelf, splunk and awslogs refuse to start).
    static let destinationOption: [String: String] = [
        "syslog": "syslog-address", "fluentd": "fluentd-address", "gelf": "gelf-address", "splunk": "splunk-url",
        "awslogs": "awslogs-group", "logentries": "logentries-token",
    ]

    /// Where a driver's logs go: kept nowhere, on this host, handed to a local default, or sent to a destination.
    enum Destination: Equatable {
        case none
        case local(rotates: Bool)
        case localDefault(option: String)
        case remote(String)
    }

    /// `options` are the driver's `key=value` options.
    static func destination(of driver: String, options: [String: String]) -> Destination {
        if driver == "none" { return .none }
        if let rotates = local[driver] { return .local(rotates: rotates || options["max-size"] != nil) }
        if let option = destinationOption[driver] {
            return options[option].map { .remote("\(option)=\($0)") } ?? .localDefault(option: option)
        }
        return .remote(driver)
    }
}
