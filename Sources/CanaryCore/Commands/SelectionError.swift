/// An `--only` that names no probe (of the shard).
public struct SelectionError: Error, CustomStringConvertible {
    public var description: String
}
