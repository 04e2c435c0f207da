import Testing

@testable import ClosrCore

@Suite struct APIKeySecretTests {
    @Test func secretsHaveTheDocumentedShape() {
        let secret = APIKeySecret.generate()
        #expect(secret.hasPrefix("closr_"))
        #expect(secret.count == 6 + 43)
        #expect(!secret.contains("=") && !secret.contains("+") && !secret.contains("/"))
        #expect(APIKeySecret.isWellFormed(secret))
        #expect(APIKeySecret.preview(secret).count == 12)
        #expect(secret.hasPrefix(APIKeySecret.preview(secret)))
    }

    @Test func secretsDoNotRepeat() {
        let secrets = Set((0..<1000).map { _ in APIKeySecret.generate() })
        #expect(secrets.count == 1000)
    }

    @Test func theHashIsHexSHA256() {
        // SHA-256 of the empty string.
        #expect(APIKeySecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(APIKeySecret.hash("closr_x").count == 64)
    }

    @Test(arguments: ["", "closr_", "api_" + String(repeating: "a", count: 43), "closr_" + String(repeating: "a", count: 42),
                      "closr_" + String(repeating: "a", count: 42) + "!", "closr_" + String(repeating: "é", count: 43)])
    func malformedSecretsAreRecognised(_ text: String) {
        #expect(!APIKeySecret.isWellFormed(text))
    }

    @Test func constantTimeComparison() {
        #expect(APIKeySecret.constantTimeEquals("abc", "abc"))
        #expect(!APIKeySecret.constantTimeEquals("abc", "abd"))
        #expect(!APIKeySecret.constantTimeEquals("abc", "abcd"))
    }
}
