using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

// The second pass of diff: worker by buckets (WorkerBuckets): the model read again in key order, every row or only those
// of the buckets that differ, each read against the matching stored state.
public sealed partial class ChangeSource
{
    private async IAsyncEnumerable<DiffEvent> ReadAgainAsync(WorkerRead read, IWarehouseDialect dialect, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(ModelQuery.Build(context.Model, context.Sync, dialect, read.Where), context.QueryTag);
        await using var result = await OpenAsync(query, cancellationToken);
        var mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
        if (read.Where is null || read.Stored is null)
        {
            _readingAgain = read.Again; // counted apart from the first read's rows
            await foreach (var item in MergeAsync(result, mapper, dialect, cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        await foreach (var item in InBucketsAsync(result, mapper, read.Stored, _again = new HeldRejections(context, dialect), cancellationToken))
        {
            yield return item;
        }
    }

    // Rejections are given once the rows are read, numbered as among all rows, and before the keys found removed.
    private async IAsyncEnumerable<DiffEvent> InBucketsAsync(
        IWarehouseResult result, RowMapper mapper, Func<CancellationToken, IAsyncEnumerable<StoredRecord>> stored, HeldRejections held,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = held.MapAsync(ReadAhead.Of(ClosedAtEndAsync(result, cancellationToken), RowsAhead, cancellationToken), mapper);
        Streamed = true;
        var numbered = false;
        await foreach (var item in MergeDiff.DiffAsync(rows, ReadAhead.Of(stored(cancellationToken), RowsAhead, cancellationToken), OutOfOrder, cancellationToken))
        {
            if (item is RowRejected rejected && held.Hold(rejected))
            {
                continue;
            }

            if (!numbered && item is RowChange { Kind: ChangeKind.Removed })
            {
                numbered = true;
                await foreach (var late in held.NumberedAsync(cancellationToken))
                {
                    yield return late;
                }
            }

            yield return item;
        }

        if (!numbered)
        {
            await foreach (var late in held.NumberedAsync(cancellationToken))
            {
                yield return late;
            }
        }
    }

    // The rows, then the result closed at once: numbering the rejected rows queries the warehouse again, which must not
    // meet this query's memory still held (DuckDB's 30 MiB buffer of a CSV file read twice within its memory_limit).
    private static async IAsyncEnumerable<object?[]> ClosedAtEndAsync(IWarehouseResult result, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            yield return values;
        }

        await result.DisposeAsync(); // and again, to no effect, where the read is left
    }
}
