/// The watch's schedule: probe names in a binary min-heap keyed by due time, so starting
/// and rescheduling a probe cost O(log n) whatever the number of probes. An entry whose
/// probe was rescheduled or removed meanwhile is left in place and skipped when it comes
/// up (the caller checks it against its own record of due times).
struct DueQueue {
    struct Entry {
        var due: ContinuousClock.Instant
        var name: String
    }

    private var heap: [Entry] = []

    var count: Int { heap.count }

    /// The earliest due time queued (possibly of a stale entry).
    var earliest: ContinuousClock.Instant? { heap.first?.due }

    mutating func push(_ name: String, due: ContinuousClock.Instant) {
        heap.append(Entry(due: due, name: name))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: ContinuousClock.Instant) -> Entry? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }

    /// The entries due before `instant` that `isCurrent` accepts, visiting only those (a
    /// heap's subtree whose root is not due holds nothing due).
    func count(dueBefore instant: ContinuousClock.Instant, where isCurrent: (Entry) -> Bool) -> Int {
        var total = 0
        var stack = heap.isEmpty ? [] : [0]
        while let index = stack.popLast() {
            guard heap[index].due < instant else { continue }
            if isCurrent(heap[index]) { total += 1 }
            for child in [2 * index + 1, 2 * index + 2] where child < heap.count { stack.append(child) }
        }
        return total
    }
}
