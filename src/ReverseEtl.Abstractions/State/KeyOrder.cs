namespace ReverseEtl.Abstractions.State;

/// <summary>
/// The order in which state stores stream keys (<see cref="IRecordStateStore.ReadRecordsAsync"/>) and in which a
/// streaming diff expects the model's keys: by Unicode code point, which is the order of the keys' UTF-8 bytes
/// (SQLite's <c>BINARY</c> collation, PostgreSQL's <c>"C"</c>, DuckDB's default). It differs from
/// <see cref="StringComparer.Ordinal"/> (UTF-16 code units) only where a character above U+FFFF meets one from
/// U+E000 to U+FFFF.
/// </summary>
public sealed class KeyOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static KeyOrder Instance { get; } = new();

    private KeyOrder()
    {
    }

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var common = Math.Min(x.Length, y.Length);
        var at = x.AsSpan(0, common).CommonPrefixLength(y.AsSpan(0, common));
        if (at == common)
        {
            return x.Length.CompareTo(y.Length);
        }

        char a = x[at], b = y[at];
        // A surrogate stands for a code point above U+FFFF, so it sorts after every single unit, U+E000–U+FFFF included.
        var aSurrogate = char.IsSurrogate(a);
        return aSurrogate == char.IsSurrogate(b) ? a.CompareTo(b) : (aSurrogate ? 1 : -1);
    }
}

/// <summary>One key's stored state, as <see cref="IRecordStateStore.ReadRecordsAsync"/> streams it.</summary>
public readonly record struct StoredRecord(string Key, RecordState State);
