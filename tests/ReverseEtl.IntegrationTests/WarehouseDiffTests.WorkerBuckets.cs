using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// <c>diff: worker</c>'s first read by key buckets (every row in no order, hashed and summed per bucket): run after run,
/// awkward keys and values give the events of a read of every row in key order (the same diff told not to stream),
/// rejected rows numbered alike; nothing read again when nothing changed, only the rows of the buckets that differ when
/// a few did, every row again when most did.
/// </summary>
public abstract partial class WarehouseDiffTests
{
    [Fact]
    public async Task Diff_WorkerRunAfterRun_FirstReadByBucketsGivesTheEventsOfAReadInKeyOrder()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, AwkwardAccounts(2000));
        Assert.Equal(2000L, (await project.RunAsync("by-worker")).Counts.Sent);
        Assert.Equal(2000L, (await project.RunAsync("stuck-worker")).Counts.RowsRead);

        var unchanged = await SameBothReadsAsync(project, "by-worker");
        Assert.Equal((2000L, 0L, 0), (unchanged.RowsRead, unchanged.RowsReadAgain, unchanged.Events.Count));

        await ExecuteAsync(project, $"""
            update accounts set days_in_stage = days_in_stage + 1 where account_id in ('ключ_00001', 'ключ_00029');
            update accounts set account_name = '東京 🙂 ' || repeat('é', 3000) where account_id = 'ключ_00002';
            update accounts set account_name = null where account_id = 'ключ_00003';
            update accounts set account_name = '' where account_id = 'ключ_00004';
            update accounts set internal_note = 'not mapped' where account_id = 'ключ_00005';
            delete from accounts where account_id in ('ключ_00100', 'ключ_00101');
            insert into accounts values ('ключ_09001', 'New ü', 1, 'n'), ('ключ_00250', 'Duplicate', 3, 'n'), ('ключ_00250', 'Third', 4, ''),
                (null, 'No key', 4, 'n'), ('', 'Empty key 東京', 5, 'n'), (null, 'No key again', 6, 'n'), ('{new string('k', 700)}', repeat('long ', 900), 7, 'n');
            """);
        var changed = await SameBothReadsAsync(project, "by-worker");
        Assert.Equal(2, changed.Events.Count(e => e.StartsWith("Added", StringComparison.Ordinal)));
        Assert.Equal(5, changed.Events.Count(e => e.StartsWith("Changed", StringComparison.Ordinal)));
        Assert.Equal(2, changed.Events.Count(e => e.StartsWith("Removed", StringComparison.Ordinal))); // not the duplicated key
        Assert.Equal(6, changed.Events.Count(e => e.StartsWith("rejected", StringComparison.Ordinal)));
        Assert.InRange(changed.RowsReadAgain, 20, 1000); // the rows of the buckets that differ, and the keyless ones

        var trigger = await SameBothReadsAsync(project, "stuck-worker"); // ключ_00029 enters (29 → 30 days)
        Assert.Contains(trigger.Events, e => e.StartsWith("Changed ключ_00029 False->True", StringComparison.Ordinal));

        // Two keys of one bucket trade payloads (the trigger sync's only field is not the key): both changed.
        var (a, b) = KeysTradingDays(2000, bits: 9); // as diff: worker buckets 2,000 stored keys: BucketSums.BitsFor, 7, and 2 more
        await ExecuteAsync(project, $"""
            update accounts set days_in_stage = case account_id when '{a}' then {Days(b)} else {Days(a)} end where account_id in ('{a}', '{b}')
            """);
        var traded = await SameBothReadsAsync(project, "stuck-worker");
        Assert.Contains(traded.Events, e => e.StartsWith($"Changed {a} ", StringComparison.Ordinal));
        Assert.Contains(traded.Events, e => e.StartsWith($"Changed {b} ", StringComparison.Ordinal));

        // 220 more keys on two rows each, past two count queries' worth: numbered by one read of every key in order.
        await ExecuteAsync(project, "insert into accounts select account_id, 'Dup ü 東京', 2, '' from accounts where account_id >= 'ключ_01000' and account_id < 'ключ_01220'");
        var duplicated = await SameBothReadsAsync(project, "by-worker");
        Assert.Equal(6 + 440, duplicated.Events.Count(e => e.StartsWith("rejected", StringComparison.Ordinal)));
        Assert.InRange(duplicated.RowsReadAgain, 440, duplicated.RowsRead / 2); // only the rows of the buckets that differ

        await ExecuteAsync(project, "update accounts set days_in_stage = days_in_stage + 100");
        var most = await SameBothReadsAsync(project, "by-worker");
        Assert.Equal(most.RowsRead, most.RowsReadAgain); // every row, read again in key order
    }

    // Two keys of AwkwardAccounts (from row 1000, which no step before edits) in one bucket of the given bits, with
    // other days in stage (i % 40).
    private static (string A, string B) KeysTradingDays(int rows, int bits) => Enumerable.Range(1000, rows - 999)
        .Select(i => $"ключ_{i:D5}").GroupBy(k => BucketOf(k, bits))
        .SelectMany(g => g.SelectMany(k => g.Select(o => (k, o)))).First(p => string.CompareOrdinal(p.k, p.o) < 0 && Days(p.k) != Days(p.o));

    private static int Days(string key) => int.Parse(key[5..], System.Globalization.CultureInfo.InvariantCulture) % 40;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "the buckets' md5, not for security")]
    private static uint BucketOf(string key, int bits) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(key))) >> (32 - bits);

    // The worker's diff read twice (told not to stream, then as a run reads); the same events, sorted, and what each read.
    private protected static async Task<(List<string> Events, long RowsRead, long RowsReadAgain)> SameBothReadsAsync(TestProject project, string sync)
    {
        var full = await WorkerReadAsync(project, sync, mayStream: false);
        var buckets = await WorkerReadAsync(project, sync, mayStream: true);
        Assert.Equal(full.Events, buckets.Events);
        Assert.Equal((full.RowsRead, 0L), (buckets.RowsRead, full.RowsReadAgain));
        return buckets;
    }

    private static async Task<(List<string> Events, long RowsRead, long RowsReadAgain)> WorkerReadAsync(TestProject project, string sync, bool mayStream)
    {
        await project.State.InitializeAsync(CancellationToken.None);
        await using var runtime = project.Runtime();
        var saved = await SavedState.LoadAsync(project.State, sync, CancellationToken.None);
        var source = new ChangeSource(new SyncRunContext(runtime, runtime.Project.Syncs[sync], saved, NullLogger.Instance)) { MayStream = mayStream };
        var events = new List<string>();
        await foreach (var item in source.ReadAsync(CancellationToken.None))
        {
            events.Add(item switch
            {
                RowChange c => $"{c.Kind} {c.Key} {c.WasMatching}->{c.IsMatching} {c.Row?.Hash}",
                RowRejected r => $"rejected row {r.RowNumber} {r.Key}: {r.Reason}",
                ColumnsChanged c => $"columns {string.Join(",", c.Columns.OrderBy(p => p.Key, StringComparer.Ordinal))}",
                _ => throw new InvalidOperationException($"the worker's diff gave {item}"),
            });
        }

        return ([.. events.Order(StringComparer.Ordinal)], source.RowsRead, source.RowsFetched);
    }
}
