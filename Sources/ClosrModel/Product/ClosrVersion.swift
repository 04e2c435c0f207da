/// Closr's version, printed by `closr --version` and answered at `GET /`.
public enum ClosrVersion {
    public static let current = "0.1.0"
}
