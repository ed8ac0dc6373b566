using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The rows of a bucket comparison's key read that will be rejected (a null or empty key, a key on several rows), held
/// until the read ends and then numbered as the whole model would number them in key order, as <c>diff: worker</c>
/// does: a key's first row comes after every row whose key sorts before it (<see cref="ModelQuery.BuildRanks"/>, the
/// order of <see cref="ModelQuery.Build"/>, a null part after every text). One query per hundred keys held; past
/// <see cref="MostQueries"/> of them, on a warehouse in this process (<see cref="IWarehouseDialect.InProcess"/>: DuckDB),
/// one read of every key in that order instead (<see cref="ModelQuery.BuildKeyOrder"/>); a remote one would send every key.
/// </summary>
internal sealed class RejectedRows(SyncRunContext context, IWarehouseDialect dialect)
{
    private const int PerQuery = 100;

    // Each count query scans the whole model (about 0.38 s at 1M rows on DuckDB's one thread), as does reading every key
    // in order (0.34–0.37 s there, within its memory_limit): a model with 10,000 keys on several rows took 100 queries.
    private const int MostQueries = 2;
    private readonly List<List<(object?[] Key, bool Matches)>> _groups = [];

    public int Count => _groups.Count;

    /// <summary>Holds one key's rows (or one row whose key is null).</summary>
    public void Hold(IEnumerable<(object?[] Key, bool Matches)> rows) => _groups.Add(rows.ToList());

    /// <summary>Every row held, with its number in the model.</summary>
    public async Task<List<(long Number, object?[] Key, bool Matches)>> NumberAsync(CancellationToken cancellationToken)
    {
        var numbered = new List<(long Number, object?[] Key, bool Matches)>();
        // Rows of one key held apart (a null or empty key is held one row at a time) follow each other.
        var numberedOfKey = new Dictionary<string, long>(StringComparer.Ordinal);
        var inOrder = _groups.Count > MostQueries * PerQuery && dialect.InProcess ? await PositionsAsync(cancellationToken) : null;
        foreach (var chunk in _groups.Chunk(PerQuery))
        {
            var before = inOrder is not null && chunk.All(g => inOrder.ContainsKey(Identity(g[0].Key)))
                ? [.. chunk.Select(g => inOrder[Identity(g[0].Key)])]
                : await RanksAsync(chunk.Select(g => g[0].Key).ToList(), cancellationToken);
            for (var i = 0; i < chunk.Length; i++)
            {
                var identity = Identity(chunk[i][0].Key);
                var earlier = numberedOfKey.GetValueOrDefault(identity);
                numbered.AddRange(chunk[i].Select((row, at) => (before[i] + earlier + at + 1, row.Key, row.Matches)));
                numberedOfKey[identity] = earlier + chunk[i].Count;
            }
        }

        _groups.Clear();
        return numbered;
    }

    private async Task<long[]> RanksAsync(List<object?[]> keys, CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(ModelQuery.BuildRanks(context.Model, dialect, keys), context.QueryTag);
        await using var result = await context.Warehouse.QueryAsync(query, cancellationToken);
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            return values.Select(Whole).ToArray();
        }

        throw new WarehouseException($"sync '{context.Sync.Name}': the warehouse of connection '{context.Model.Connection}' returned no row for a count; run the sync again");
    }

    // For each key held, the rows before its first in key order, from one read of every key: a key that read does not
    // meet (the model changed since the rows were read) is counted by a query as before.
    private async Task<Dictionary<string, long>> PositionsAsync(CancellationToken cancellationToken)
    {
        var wanted = _groups.Select(g => Identity(g[0].Key)).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, long>(wanted.Count, StringComparer.Ordinal);
        var query = new WarehouseQuery(ModelQuery.BuildKeyOrder(context.Model, dialect), context.QueryTag);
        await using var result = await context.Warehouse.QueryAsync(query, cancellationToken);
        var at = 0L;
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            var identity = Identity(values);
            if (wanted.Contains(identity))
            {
                found.TryAdd(identity, at);
            }

            at++;
        }

        return found;
    }

    // A key's values as the state writes each (a timestamp to its fraction of a second), each after its length, so that
    // no two keys meet: a null apart from an empty text or any text, a separator inside a value apart from two values.
    private static string Identity(object?[] key) =>
        string.Concat(key.Select(v => v is null ? "-;" : RowKey.FormatOne(v) is { } text ? $"{text.Length.ToString(CultureInfo.InvariantCulture)}:{text}" : "0:"));

    private static long Whole(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
