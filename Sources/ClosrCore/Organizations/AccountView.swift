import ClosrModel

/// A built `/me/` view and its JSON, rendered once per build rather than once per request.
///
/// `/me/` is how clients check a key and learn who they are (Airbyte's `check`, closeio scripts), so it
/// is called often and must cost little more than verifying the key. Views are kept by user in
/// ``CoreCaches/accountViews`` while the accounts version has not moved.
struct AccountView: Sendable {
    let me: Me
    let json: [UInt8]
}
