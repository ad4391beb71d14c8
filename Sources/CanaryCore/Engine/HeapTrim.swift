import CMalloc

/// A long-running watch hands freed memory back to the system: glibc keeps what large
/// flushes and reloads freed (and one arena per thread that ever allocated), so a watch's
/// RSS would otherwise stay at its highest point.
enum HeapTrim {
    /// Limits glibc to two malloc arenas (the machine's threads share them): fewer arenas
    /// hold less freed memory. Call before the threads start.
    static func limitArenas() {
        _ = mallopt(M_ARENA_MAX, 2)
    }

    /// Returns the free memory at the top of each arena, and whole free pages inside them.
    static func release() {
        _ = malloc_trim(0)
    }
}
