using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

// The second read of diff: worker by buckets (WorkerBuckets): the model read again in key order, every row or only those
// of the buckets that differ, each read against the matching stored state.
public sealed partial class ChangeSource
{
    private async IAsyncEnumerable<DiffEvent> ReadAgainAsync(WorkerRead read, IWarehouseDialect dialect, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var column = read.Check is null ? null : _first!.Column;
        var query = new WarehouseQuery(ModelQuery.Build(context.Model, context.Sync, dialect, read.Where, column: column), context.QueryTag);
        await using var result = new ClosedOnce(await OpenAsync(query, cancellationToken));
        var mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
        _readingAgain = read.Again; // counted apart from the first read's rows
        _rereadWhole = read.Check is null;
        var events = read is { Check: { } check, Stored: { } stored }
            ? InBucketsAsync(result, mapper, stored, check, new HeldRejections(context, dialect), cancellationToken)
            : MergeAsync(result, mapper, dialect, cancellationToken);
        await foreach (var item in events)
        {
            yield return item;
        }
    }

    // Rejections are given once the rows are read (and checked), numbered as among all rows, before the keys found removed.
    private async IAsyncEnumerable<DiffEvent> InBucketsAsync(
        ClosedOnce result, RowMapper mapper, Func<CancellationToken, IAsyncEnumerable<StoredRecord>> stored, RereadCheck check, HeldRejections held,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var at = WorkerBuckets.BucketAt(result.Columns);
        var read = ReadAhead.Of(MapAgainAsync(ClosedAtEndAsync(result, cancellationToken), mapper, at), RowsAhead, cancellationToken);
        var rows = held.NoteAsync(read, check);
        Streamed = true;
        var numbered = false;
        await foreach (var item in MergeDiff.DiffAsync(rows, ReadAhead.Of(stored(cancellationToken), RowsAhead, cancellationToken), OutOfOrder, cancellationToken))
        {
            if ((item is RowRejected rejected && held.Hold(rejected)) || (item is RowChange { Kind: ChangeKind.Removed } gone && check.HoldsRemoval(gone.Key)))
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

    // Mapped and hashed on the thread pool, ahead of the merge, with each row's key value and bucket.
    private async IAsyncEnumerable<ReadAgainRow> MapAgainAsync(IAsyncEnumerable<object?[]> rows, RowMapper mapper, int bucketAt)
    {
        await foreach (var values in rows)
        {
            yield return new ReadAgainRow(mapper.Map(++_rowsReadAgain, values), mapper.FirstKeyValue(values), WarehouseBucket.Of(values[bucketAt]));
        }
    }

    // The rows, then the result closed at once: numbering the rejected rows queries the warehouse again, which must not
    // meet this query's memory still held (DuckDB's 30 MiB buffer of a CSV file read twice within its memory_limit).
    private static async IAsyncEnumerable<object?[]> ClosedAtEndAsync(ClosedOnce result, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            yield return values;
        }

        await result.DisposeAsync();
    }

    /// <summary>
    /// A result closed once however often it is disposed (at the end of its rows, and where the read is left): a pooled
    /// connection's reader closed a second time could be another read's by then (Npgsql reuses them).
    /// </summary>
    private sealed class ClosedOnce(IWarehouseResult result) : IWarehouseResult
    {
        private int _closed;

        public IReadOnlyList<WarehouseColumn> Columns => result.Columns;

        public IAsyncEnumerable<object?[]> ReadRowsAsync(CancellationToken cancellationToken) => result.ReadRowsAsync(cancellationToken);

        public ValueTask DisposeAsync() => Interlocked.Exchange(ref _closed, 1) == 0 ? result.DisposeAsync() : ValueTask.CompletedTask;
    }
}

/// <summary>A row read again: mapped, with its key's value and its bucket as the warehouse computed it.</summary>
internal readonly record struct ReadAgainRow(MappedRow Row, object? Key, long? Bucket);
