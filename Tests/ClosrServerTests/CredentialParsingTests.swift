import Foundation
import NIOCore
import Testing

@testable import ClosrServer

/// The header parsing behind authentication, as pure functions.
@Suite struct CredentialParsingTests {
    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "closr_abc:", ":pässwörd", String(repeating: "x", count: 100)])
    func base64MatchesFoundation(_ text: String) {
        let encoded = Data(text.utf8).base64EncodedString()
        #expect(Base64.decode(Array(encoded.utf8)) == Array(text.utf8))
        let unpadded = encoded.replacingOccurrences(of: "=", with: "")
        #expect(Base64.decode(Array(unpadded.utf8)) == Array(text.utf8))
    }

    @Test(arguments: ["!!!", "Zm9v=YmFy", "Zm9vY", "Zm9=", "Zm9v===", "Zg==="])
    func base64RefusesGarbage(_ text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }

    @Test func credentialsAreReadFromEachHeader() {
        let basic = "Basic " + Data("closr_k:".utf8).base64EncodedString()
        #expect(PresentedCredential(authorization: basic, apiKeyHeader: nil) == .key(Array("closr_k".utf8)))
        #expect(PresentedCredential(authorization: "  basic  " + Data("closr_k:pw".utf8).base64EncodedString(), apiKeyHeader: nil) == .key(Array("closr_k".utf8)))
        #expect(PresentedCredential(authorization: "Basic " + Data(":closr_k".utf8).base64EncodedString(), apiKeyHeader: nil) == .key(Array("closr_k".utf8)))
        #expect(PresentedCredential(authorization: "BEARER closr_k", apiKeyHeader: nil) == .key(Array("closr_k".utf8)))
        #expect(PresentedCredential(authorization: nil, apiKeyHeader: " closr_k ") == .key(Array("closr_k".utf8)))
        #expect(PresentedCredential(authorization: nil, apiKeyHeader: nil) == .none)
        #expect(PresentedCredential(authorization: "Basic", apiKeyHeader: nil) == .malformed)
        #expect(PresentedCredential(authorization: "Token closr_k", apiKeyHeader: nil) == .malformed)
        // Bytes that are not UTF-8 reach verification as they are, and fail its shape check there.
        #expect(PresentedCredential(authorization: "Basic " + Data([0xFF, 0x3A]).base64EncodedString(), apiKeyHeader: nil) == .key([0xFF]))
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let proxy = try SocketAddressFixture.make("10.0.0.5")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: "203.0.113.9", trustedProxies: []) == "10.0.0.5")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: "203.0.113.9", trustedProxies: ["10.0.0.5"]) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: proxy, forwardedFor: "198.51.100.1, 203.0.113.9, 10.0.0.6", trustedProxies: ["10.0.0.5", "10.0.0.6"]) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: "203.0.113.9", trustedProxies: ["10.0.0.5"]) == nil)
    }
}

enum SocketAddressFixture {
    static func make(_ ip: String) throws -> SocketAddress {
        try SocketAddress(ipAddress: ip, port: 443)
    }
}
