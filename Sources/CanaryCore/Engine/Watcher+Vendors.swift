import Foundation

/// The vendors a watch polls beside its probes, each on its own interval.
extension Watcher {
    /// The vendors `probes` name: worked out when the probes change, not on every loop.
    static func linked(_ vendors: [VendorSource], by probes: [ProbeSpec]) -> [VendorSource] {
        let names = Set(probes.compactMap(\.vendor?.vendor))
        return vendors.filter { names.contains($0.name) }
    }

    /// Linked vendors whose poll is due and not in flight.
    func dueVendors() -> [VendorSource] {
        let now = ContinuousClock.now
        return linkedVendors.filter { !polling.contains($0.name) && (vendorDue[$0.name] ?? now) <= now }
    }

    func pollVendor(_ source: VendorSource) async {
        let reading = await engine.poll(source, deadline: deadline, redactor: redactor)
        vendorRead(reading, source: source)
    }

    /// Sets what is told of a linked component the vendor does not list.
    public func setWarningHandler(_ handler: @escaping @Sendable (String) -> Void) {
        onWarning = handler
    }

    func vendorRead(_ reading: VendorReading, source: VendorSource) {
        polling.remove(source.name)
        for probe in probes where probe.vendor?.vendor == source.name && !warned.contains(probe.name) {
            guard let link = probe.vendor, let warning = reading.unknownComponent(link, probe: probe.name) else {
                continue
            }
            warned.insert(probe.name)
            onWarning?(warning)
        }
        var readings = state.vendors ?? [:]
        readings[source.name] = reading.carryingAdmissions(from: readings[source.name])
        state.vendors = readings
        vendorDue[source.name] = ContinuousClock.now + source.interval
        dirty = true
    }
}
