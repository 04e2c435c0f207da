import Hummingbird
import NIOCore

/// The client's IP as recorded in a key's `last_used`: the peer address, or — when the peer is a
/// trusted proxy — the nearest untrusted address in `X-Forwarded-For`.
enum ClientAddress {
    static func resolve(peer: SocketAddress?, forwardedFor: String?, trustedProxies: Set<String>) -> String? {
        let peerIP = peer?.ipAddress
        guard let peerIP, trustedProxies.contains(peerIP), let forwardedFor else { return peerIP }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Walk from the nearest hop outwards; the first address that is not one of our proxies is the client.
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return hop
        }
        return hops.first ?? peerIP
    }
}
