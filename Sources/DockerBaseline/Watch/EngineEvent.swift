import Foundation
import NIOCore

/// One message of the engine's `/events` stream.
public struct EngineEvent: Decodable, Sendable, Equatable {
    public var type: String
    /// As the engine sends it: `create`, or `exec_create: /bin/sh -c …` (the command follows for exec events).
    public var action: String
    public var actor: Actor
    public var time: Int64
    public var timeNano: Int64

    public struct Actor: Decodable, Sendable, Equatable {
        public var id: String
        public var attributes: [String: String]
        enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }
        public init(id: String, attributes: [String: String]) {
            self.id = id
            self.attributes = attributes
        }
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        }
    }

    enum CodingKeys: String, CodingKey { case type = "Type", action = "Action", actor = "Actor", time, timeNano, status, id }

    public init(type: String, action: String, actor: Actor, time: Int64, timeNano: Int64) {
        self.type = type
        self.action = action
        self.actor = actor
        self.time = time
        self.timeNano = timeNano
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Engines before API 1.22 send only `status` and `id` (container events).
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "container"
        action = try container.decodeIfPresent(String.self, forKey: .action) ?? container.decode(String.self, forKey: .status)
        actor = try container.decodeIfPresent(Actor.self, forKey: .actor)
            ?? Actor(id: container.decodeIfPresent(String.self, forKey: .id) ?? "", attributes: [:])
        time = try container.decodeIfPresent(Int64.self, forKey: .time) ?? 0
        timeNano = try container.decodeIfPresent(Int64.self, forKey: .timeNano) ?? time * 1_000_000_000
    }

    /// The action without the command exec events carry: `exec_create`.
    public var verb: String {
        String(action.prefix { $0 != ":" }).trimmingCharacters(in: .whitespaces)
    }

    /// Identifies the event among those of the same nanosecond.
    public var key: String { "\(timeNano) \(type) \(action) \(actor.id) \(actor.attributes["execID"] ?? "")" }

    public var date: Date { Date(timeIntervalSince1970: Double(timeNano) / 1e9) }
}

/// Splits the stream into lines (one JSON event each) as pieces arrive; a line longer than `limit` is dropped and
/// counted, so a hostile or broken engine cannot grow it without bound.
public struct EventLineDecoder: Sendable {
    public static let limit = 1 << 20
    private var pending: [UInt8] = []
    private var skipping = false
    public private(set) var oversized = 0
    public private(set) var malformed: [String] = []

    public init() {}

    public mutating func feed(_ buffer: ByteBuffer) -> [EngineEvent] {
        var events: [EngineEvent] = []
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if byte == 0x0A {
                    if !skipping, !pending.isEmpty { decode(&events) }
                    pending.removeAll(keepingCapacity: true)
                    skipping = false
                } else if !skipping {
                    pending.append(byte)
                    if pending.count > Self.limit {
                        oversized += 1
                        skipping = true
                        pending.removeAll()
                    }
                }
            }
        }
        return events
    }

    private mutating func decode(_ events: inout [EngineEvent]) {
        do {
            events.append(try JSONDecoder().decode(EngineEvent.self, from: Data(pending)))
        } catch {
            if malformed.count < 10 { malformed.append(String(decoding: pending.prefix(200), as: UTF8.self)) }
        }
    }
}

/// Where the stream is: the newest engine time seen, and the events of the last `window` of engine time. The engine
/// stamps an event before publishing it, so events of concurrent requests can arrive slightly out of time order: an
/// event is new unless it was seen, or is older than the window. A replay starts a window back (`since=`), and the
/// events already seen are dropped, so nothing is missed and nothing judged twice.
public struct EventCursor: Sendable, Equatable {
    public static let window: Int64 = 2_000_000_000
    public private(set) var lastNano: Int64?
    /// Key → engine time of the events within `window` of `lastNano`.
    public private(set) var recent: [String: Int64]

    public init(lastNano: Int64? = nil, recent: [String: Int64] = [:]) {
        self.lastNano = lastNano
        self.recent = recent
    }

    /// True for an event not seen before; it moves the cursor.
    public mutating func accept(_ event: EngineEvent) -> Bool {
        if let lastNano, event.timeNano < lastNano - Self.window { return false }
        guard recent[event.key] == nil else { return false }
        recent[event.key] = event.timeNano
        if event.timeNano > lastNano ?? .min {
            lastNano = event.timeNano
            // Pruned in batches: the map stays within about twice the events of one window.
            if recent.count > 1024, recent.count.isMultiple(of: 256) {
                let horizon = event.timeNano - Self.window
                recent = recent.filter { $0.value >= horizon }
            }
        }
        return true
    }

    /// `since=` for a replay, a window before the newest event seen: `seconds.nanoseconds`, as the engine reads it.
    public var since: String? {
        guard let lastNano else { return nil }
        let start = max(0, lastNano - Self.window)
        let seconds = start / 1_000_000_000, nanos = start % 1_000_000_000
        return "\(seconds).\(String(repeating: "0", count: 9 - String(nanos).count))\(nanos)"
    }

    /// The events within the window of the newest one, for a later watch to resume from.
    public var window: [String: Int64] {
        guard let lastNano else { return [:] }
        return recent.filter { $0.value >= lastNano - Self.window }
    }
}
