namespace ReverseEtl.Abstractions;

/// <summary>
/// What a warehouse offers for the in-warehouse snapshot's row hashes (16 hex digits of text) read back as numbers: the
/// comparison of a snapshot with the sync state bucket by bucket (<see cref="IWarehouseBuckets"/>), each side summed
/// where it is kept, and the diff's join, which holds them in the cheapest form the warehouse has.
/// </summary>
public interface IWarehouseSnapshotBuckets : IWarehouseBuckets
{
    /// <summary>
    /// An SQL whole number: the first 60 bits (15 hex digits) of the text column <paramref name="hexText"/>, a row hash
    /// as the snapshot stores it (lowercase hex digits); null where those are not hex digits, never an error.
    /// </summary>
    string StoredHashPart(string hexText);

    /// <summary>
    /// An SQL value of <paramref name="hexText"/>, 16 lowercase hex digits of a row hash, that is equal exactly when the
    /// texts are, and null or unequal for any other text (never an error): what the snapshot's diff joins and compares,
    /// in the form the warehouse holds most cheaply (DuckDB: a whole number rather than a 16-byte string); else the text.
    /// </summary>
    string StoredHash(string hexText);

    /// <summary>
    /// An SQL whole number computed from the row <paramref name="rowName"/> itself: the unsigned 64-bit value of the first
    /// 16 hex digits of its row hash with <paramref name="salt"/> (<see cref="IWarehouseDialect.RowHash"/>), equal to <see cref="StoredHash"/> of those
    /// digits, where the warehouse has it more cheaply than that text (DuckDB: its <c>hash()</c>, a number already). The
    /// snapshot's diff then returns it as the row hash and never prints the text. Null where the warehouse has nothing
    /// cheaper (the diff then returns and compares the text).
    /// </summary>
    string? RowHashNumber(string rowName, string salt);
}
