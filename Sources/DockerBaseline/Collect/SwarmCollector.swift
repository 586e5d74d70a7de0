import Foundation

/// Reads the swarm's data from a manager. Failures are recorded in the facts, not thrown: the rest of the audit goes on.
struct SwarmCollector {
    let client: EngineClient
    let prefix: String

    func collect() async -> SwarmFacts {
        var facts = SwarmFacts()
        do {
            let swarm = try await client.get("\(prefix)/swarm", as: SwarmInspect.self)
            facts.swarm = swarm
            if let pem = swarm.tlsInfo?.trustRoot {
                facts.rootCANotBefore = certificateNotBefore(pem: pem)
                if facts.rootCANotBefore == nil { facts.problems.append("the swarm's root CA certificate could not be read") }
            }
        } catch { facts.problems.append(String(describing: error)) }
        do { facts.nodes = try await client.get("\(prefix)/nodes", as: [SwarmNode].self) } catch { facts.problems.append(String(describing: error)) }
        struct Secret: Decodable { let ID: String }
        do { facts.secretCount = try await client.get("\(prefix)/secrets", as: [Secret].self).count } catch { facts.problems.append(String(describing: error)) }
        return facts
    }
}

/// The notBefore of the first certificate in a PEM text, as ISO 8601; nil when it is not a readable X.509 certificate.
func certificateNotBefore(pem: String) -> String? {
    let body = pem.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().first?
        .components(separatedBy: "-----END CERTIFICATE-----").first?
        .filter { !$0.isWhitespace }
    guard let body, let der = Data(base64Encoded: body) else { return nil }
    let bytes = [UInt8](der)
    /// (tag, content range, next index) of the DER element at `index`.
    func element(at index: Int) -> (tag: UInt8, content: Range<Int>, next: Int)? {
        guard index + 1 < bytes.count else { return nil }
        var length = Int(bytes[index + 1])
        var start = index + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count <= 4, start + count <= bytes.count else { return nil }
            length = bytes[start..<start + count].reduce(0) { $0 << 8 | Int($1) }
            start += count
        }
        guard start + length <= bytes.count else { return nil }
        return (bytes[index], start..<start + length, start + length)
    }
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, signature, issuer, validity, … } }
    guard let certificate = element(at: 0), let tbs = element(at: certificate.content.lowerBound) else { return nil }
    var index = tbs.content.lowerBound
    if let version = element(at: index), version.tag == 0xA0 { index = version.next }
    for _ in 0..<3 {  // serialNumber, signature, issuer
        guard let skipped = element(at: index) else { return nil }
        index = skipped.next
    }
    guard let validity = element(at: index), validity.tag == 0x30, let notBefore = element(at: validity.content.lowerBound) else { return nil }
    let text = String(decoding: bytes[notBefore.content], as: UTF8.self)
    // UTCTime YYMMDDHHMMSSZ (years 50–99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSSZ.
    let digits = text.filter(\.isNumber)
    let full: String
    switch notBefore.tag {
    case 0x17 where digits.count >= 12: full = (Int(digits.prefix(2))! >= 50 ? "19" : "20") + digits
    case 0x18 where digits.count >= 14: full = digits
    default: return nil
    }
    let characters = Array(full)
    func part(_ range: Range<Int>) -> String { String(characters[range]) }
    return "\(part(0..<4))-\(part(4..<6))-\(part(6..<8))T\(part(8..<10)):\(part(10..<12)):\(part(12..<14))Z"
}
