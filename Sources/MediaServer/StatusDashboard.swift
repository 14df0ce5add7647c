import NIOConcurrencyHelpers

/// A page that takes over `/status` while a program built on the media server has more to say than the
/// images' statistics: `vmedia install` shows its install dashboard there (every host's phase, result, bytes read
/// and evidence), and `/` leads to it. The media server's JSON stays at `/status.json`, with the dashboard's JSON
/// added under `"install"`.
public protocol StatusDashboard: Sendable {
    /// The whole HTML document served at `/status` (`refreshSeconds`: the page's own refresh interval).
    func html(refreshSeconds: Int) -> String
    /// A JSON value (already encoded) for `/status.json`'s `"install"` key.
    func json() -> String
}

/// The dashboard shown now, if any; shared by the server and its responder so it can be set after `start`.
final class DashboardSlot: Sendable {
    private let current = NIOLockedValueBox<(any StatusDashboard)?>(nil)
    var dashboard: (any StatusDashboard)? {
        get { current.withLockedValue { $0 } }
        set { current.withLockedValue { $0 = newValue } }
    }
}
