import Testing

@testable import ClosrServer

/// The sign-in throttle's counting, at exact instants: attempts counted before the check, a success gives
/// its attempt back, failures from one address add up across emails, windows pass.
@Suite struct LoginThrottleTests {
    @Test func failuresAreLimitedPerEmailAndPerAddressAndSuccessesAreNot() {
        let throttle = LoginThrottle(limit: 5, window: .seconds(900))
        let start = ContinuousClock.now
        // An office: thirty people sign in from one address, each successfully.
        for person in 0..<30 {
            #expect(throttle.reserve(email: "person\(person)@office.example", ip: "10.0.0.1", now: start) == nil, "person \(person)")
            throttle.recordSuccess(email: "person\(person)@office.example", ip: "10.0.0.1")
        }
        // Five attempts for one email, then it waits — whatever the address — until the window passes.
        for _ in 0..<5 { #expect(throttle.reserve(email: "ada@example.com", ip: "10.0.0.2", now: start) == nil) }
        let wait = throttle.reserve(email: "ADA@example.com", ip: "10.0.0.3", now: start + .seconds(60))
        #expect(wait == 841, "\(String(describing: wait))")
        #expect(throttle.reserve(email: "ada@example.com", ip: "10.0.0.3", now: start + .seconds(901)) == nil)
        // Twenty failures from one address over many emails, then that address waits.
        for index in 0..<20 { _ = throttle.reserve(email: "guess\(index)@example.com", ip: "10.0.0.9", now: start) }
        #expect(throttle.reserve(email: "fresh@example.com", ip: "10.0.0.9", now: start) != nil)
        #expect(throttle.reserve(email: "fresh@example.com", ip: "10.0.0.8", now: start) == nil)
    }
}
