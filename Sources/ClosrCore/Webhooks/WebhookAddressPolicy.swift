import Foundation
import NIOPosix

/// Where webhooks may be sent. Unless the server runs with `--allow-private-webhooks`, a URL whose host
/// is or resolves to a loopback, private, link-local, shared, multicast or unspecified address is
/// refused — at creation (400) and again before each delivery, after resolving the name anew, so a
/// name that later points inside the network is caught too.
public struct WebhookAddressPolicy: Sendable {
    public let allowPrivate: Bool

    public init(allowPrivate: Bool) { self.allowPrivate = allowPrivate }

    /// The URL's problem, or nil when deliveries may go there.
    public func problem(with text: String) async -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, text.utf8.count <= 2000
        else { return "Use an http:// or https:// URL of at most 2,000 characters." }
        if allowPrivate { return nil }
        let addresses = await Self.resolve(host)
        if addresses.isEmpty { return "The host \(host) does not resolve." }
        if let forbidden = addresses.first(where: Self.isPrivate) {
            return "The host \(host) is a private, loopback or link-local address (\(forbidden)); start the server with --allow-private-webhooks to allow it."
        }
        return nil
    }

    /// The host's addresses as text (an IP literal is its own), resolved off the cooperative pool.
    static func resolve(_ host: String) async -> [String] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return (try? await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return [String]() }
            defer { freeaddrinfo(first) }
            var addresses: [String] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                    addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }) ?? []
    }

    /// Loopback, private (RFC 1918, fc00::/7), link-local, shared (100.64/10), multicast, unspecified or
    /// broadcast; IPv4-mapped IPv6 addresses are judged as IPv4.
    static func isPrivate(_ address: String) -> Bool {
        var text = address.lowercased()
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        if text.hasPrefix("::ffff:"), text.contains(".") { text = String(text.dropFirst(7)) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            let a = value >> 24, b = (value >> 16) & 0xFF
            return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16...31).contains(b))
                || (a == 192 && b == 168) || (a == 100 && (64...127).contains(b)) || a >= 224
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return true }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes.allSatisfy({ $0 == 0 }) { return true }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return (bytes[0] & 0xFE) == 0xFC || (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80) || bytes[0] == 0xFF
    }
}
