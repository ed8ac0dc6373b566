using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The bucket comparison of <c>diff: warehouse</c>: run after run, awkward keys and values give the diff of
/// <c>diff: worker</c> (events, requests and stored state), and at one row in a thousand changed it reads at most 5% of the
/// key + hash rows.
/// </summary>
public abstract partial class WarehouseDiffTests
{
    [Fact]
    public async Task Run_AwkwardKeysAndValuesRunAfterRun_SameEventsRequestsAndStateAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, $"""
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note ' || cast(i as varchar) as internal_note
            from generate_series(1, 700) as t(i);
            insert into accounts values ('ü-東京', 'Zoë Ødegård', 1, 'n'), ('🙂 emoji key', '🙂', 2, 'n'), ('{new string('k', 600)}', repeat('long ', 2000), 3, 'n'),
                ('o''brien', null, null, null), ('acc_empty_name', '', 0, '');
            """);
        await SameBothWaysAsync(project);

        await ExecuteAsync(project, $"""
            update accounts set days_in_stage = days_in_stage + 1 where account_id in ('acc_0001', 'ü-東京');
            update accounts set account_name = '東京 🙂 ' || repeat('é', 3000) where account_id = 'acc_0002';
            update accounts set internal_note = 'edited' where account_id in ('acc_0010', 'acc_0011', '🙂 emoji key');
            update accounts set account_name = null where account_id = 'acc_0003';
            update accounts set account_name = '' where account_id = 'acc_0004';
            delete from accounts where account_id in ('acc_0100', 'acc_0101', 'o''brien');
            insert into accounts values ('acc_9001', 'New 1', 1, 'n'), ('acc_0200', 'Duplicate', 3, 'n'), (null, 'No key', 4, 'n'), ('', 'Empty key', 5, 'n');
            """);
        var second = await SameBothWaysAsync(project);
        Assert.Equal((1L, 5L, 3L), (second.Counts.Added, second.Counts.Changed, second.Counts.Removed));
        Assert.Equal(4L, second.Counts.Rejected);
        Assert.True(second.Counts.BucketsRead > 0, second.Counts.ToString());

        var third = await SameBothWaysAsync(project);
        Assert.Equal(4L, third.Counts.Rejected);
        Assert.InRange(third.Counts.KeysRead, 4, third.Counts.RowsRead / 2); // only the buckets of the duplicated, null and empty keys
        await ExecuteAsync(project, "delete from accounts where account_id is null or account_id = '' or account_name = 'Duplicate'");
        var fourth = await SameBothWaysAsync(project);
        Assert.Equal((0L, 0L), (fourth.Counts.Rejected, fourth.Counts.Sent));
        var fifth = await SameBothWaysAsync(project);
        Assert.Equal((0L, 0L, 0L), (fifth.Counts.KeysRead, fifth.Counts.RowsFetched, fifth.Counts.Sent));
        Assert.Equal(703L, fifth.Counts.RowsRead);
    }

    [Fact]
    public async Task Run_OneRowInAThousandChanged_ReadsAtMostFivePercentOfKeys()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 5, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note' as internal_note
            from generate_series(1, 20000) as t(i)
            """);
        await project.RunAsync("by-warehouse");
        await ExecuteAsync(project, "update accounts set days_in_stage = days_in_stage + 1 where cast(substr(account_id, 5) as integer) % 1000 = 7");

        var changed = await project.RunAsync("by-warehouse");
        var unchanged = await project.RunAsync("by-warehouse");

        Assert.Equal((20000L, 20L, 20L), (changed.Counts.RowsRead, changed.Counts.Changed, changed.Counts.RowsFetched));
        Assert.InRange(changed.Counts.KeysRead, 20, 20000 / 20);
        Assert.Equal((20000L, 0L, 0L, 0L), (unchanged.Counts.RowsRead, unchanged.Counts.KeysRead, unchanged.Counts.RowsFetched, unchanged.Counts.Sent));
    }

    [Fact]
    public async Task Run_StateWrittenByWorkerDiff_FirstWarehouseRunRehashesAndSendsNothingUnchanged()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note' as internal_note
            from generate_series(1, 300) as t(i)
            """);
        var yaml = File.ReadAllText(Path.Combine(project.Paths.ConfigDirectory, "project.yaml"));
        project.WithFile("project.yaml", yaml.Replace("diff: warehouse", "diff: worker", StringComparison.Ordinal));
        await project.RunAsync("by-worker");
        await project.RunAsync("by-warehouse");
        await ExecuteAsync(project, "update accounts set account_name = 'Renamed' where account_id = 'acc_0042'");
        project.WithFile("project.yaml", yaml);

        var switched = await SameBothWaysAsync(project);
        var next = await project.RunAsync("by-warehouse");

        Assert.Equal((1L, 1L), (switched.Counts.Changed, switched.Counts.Sent));
        Assert.Equal((0L, 0L), (next.Counts.KeysRead, next.Counts.RowsFetched));
        await foreach (var record in project.State.ReadRecordsAsync("by-warehouse", CancellationToken.None))
        {
            Assert.NotEqual(0UL, record.State.RowHash);
        }
    }

    // Plans both syncs (their events, compared), then runs both: the same counts, requests and stored (hash, match) per key.
    private static async Task<SyncRunReport> SameBothWaysAsync(TestProject project)
    {
        Assert.Equal(await EventsAsync(project, "by-worker"), await EventsAsync(project, "by-warehouse"));
        var (worker, warehouse) = await RunBothAsync(project);
        Assert.Equal(worker.Counts.ToString(), warehouse.Counts.ToString());
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
        Assert.Equal(await StateAsync(project, "by-worker"), await StateAsync(project, "by-warehouse"));
        return warehouse;
    }

    internal static async Task<List<string>> EventsAsync(TestProject project, string sync)
    {
        await project.State.InitializeAsync(CancellationToken.None);
        await using var runtime = project.Runtime();
        // The saved records are read from the store as the diff asks (streamed for the buckets).
        var saved = await SavedState.LoadAsync(project.State, sync, CancellationToken.None);
        var context = new SyncRunContext(runtime, runtime.Project.Syncs[sync], saved, NullLogger.Instance);
        var events = new List<string>();
        await foreach (var item in new ChangeSource(context).ReadAsync(CancellationToken.None))
        {
            events.Add(item switch
            {
                RowChange c => $"{c.Kind} {c.Key} {c.WasMatching}->{c.IsMatching} {c.Row?.Hash}",
                RowRejected r => $"rejected row {r.RowNumber} {r.Key}: {r.Reason}",
                ColumnsChanged c => $"columns {string.Join(",", c.Columns.OrderBy(p => p.Key, StringComparer.Ordinal))}",
                _ => string.Empty, // RowRehashed: the worker diff keeps no row hash
            });
        }

        return events.Where(e => e.Length > 0).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> StateAsync(TestProject project, string sync)
    {
        var state = new List<string>();
        await foreach (var record in project.State.ReadRecordsAsync(sync, CancellationToken.None))
        {
            state.Add($"{record.Key} {record.State.Hash} {record.State.Matched}");
        }

        return state;
    }
}
