/// A probe's vendor (`vendor: {name, component}`): whose word to put beside the probe's.
public struct VendorLink: Sendable, Equatable {
    public var vendor: String
    /// The vendor's service or component the probe depends on; `nil`: the whole page.
    public var component: String?

    public init(vendor: String, component: String? = nil) {
        self.vendor = vendor
        self.component = component
    }
}
