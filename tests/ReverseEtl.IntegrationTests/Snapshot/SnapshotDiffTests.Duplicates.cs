using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// Duplicated keys against the snapshot, where the diff keeps no set of the keys it has seen and relies on the
/// statement bringing a key's rows together: every row of a duplicated key is rejected, with the rows it names, on a
/// first read (every key new) and once the state holds the keys; keys that differ only by case, "9" and "10" as text
/// and as numbers, non-ASCII, empty and null keys (rejected as before); the same changes and records sent as the worker's diff.
/// </summary>
public abstract partial class SnapshotDiffTests
{
    [Fact]
    public async Task Read_DuplicatedAwkwardTextKeys_EveryRowOfEachRejectedWithTheRowsItNames()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(40) + """
            ;
            insert into accounts values ('a', 'lower 1', 1, 'n'), ('A', 'upper', 2, 'n'), ('a', 'lower 2', 3, 'n'), ('9', 'nine 1', 9, 'n'),
                ('10', 'ten', 10, 'n'), ('9', 'nine 2', 9, 'n'), ('ключ', 'три 1', 1, 'ü'), ('Ключ', 'Один', 2, null), ('ключ', 'три 2', 3, null),
                ('ключ', 'три 3', 4, ''), ('', 'empty 1', 5, 'n'), ('', 'empty 2', 6, 'n'), (null, 'no key', 7, 'n'), ('emoji_🙂', repeat('long ✓', 900), 8, 'n')
            """);

        var first = await SnapshotEventsAsync(project, "by-snapshot");
        AssertRejected(first, ("a", 2), ("9", 2), ("ключ", 3), (null, 3)); // null: the null and the two empty keys
        Assert.Equal(["10", "A", .. Enumerable.Range(1, 40).Select(i => $"acc_{i:0000}"), "emoji_🙂", "Ключ"], Added(first));
        var run = await RunBothAsync(project);
        Assert.Equal(Changes(run.Worker), Changes(run.Snapshot));
        Assert.Equal((44L, 10L), (run.Snapshot.Counts.Added, run.Snapshot.Counts.Rejected));

        // Now held in the state: 'A' and acc_0007 get a twin (their state is left alone), 'a' and '9' lose theirs and are added.
        await ExecuteAsync(project, """
            insert into accounts values ('A', 'upper twin', 2, 'n'), ('acc_0007', 'twin', 7, null);
            delete from accounts where account_name in ('lower 2', 'nine 2');
            update accounts set account_name = 'renamed ✎' where account_id in ('10', 'Ключ', 'acc_0003');
            """);
        var second = await SnapshotEventsAsync(project, "by-snapshot");
        AssertRejected(second, ("A", 2), ("acc_0007", 2), ("ключ", 3), (null, 3));
        var again = await RunBothAsync(project);
        Assert.Equal(Changes(again.Worker), Changes(again.Snapshot));
        Assert.Equal((2L, 3L, 10L), (again.Snapshot.Counts.Added, again.Snapshot.Counts.Changed, again.Snapshot.Counts.Rejected));
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
        Assert.Equal(44 + 2 + 3, Records(project, "snapshot").Count);
    }

    [Fact]
    public async Task Read_DuplicatedWholeNumberKeys_NumberedAsTheWorkersDiffAndEachDuplicateNamesItsRows()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts (account_id bigint, account_name varchar, days_in_stage integer, internal_note varchar);
            insert into accounts values (10, 'ten 1', 1, 'n'), (9, 'nine', 2, 'n'), (100, 'hundred', 3, null), (10, 'ten 2', 4, ''), (-1, 'minus', 5, 'ü'),
                (null, 'no key', 6, 'n'), (10, 'ten 3', 7, 'n'), (1, 'one', 8, 'n');
            """);

        var events = await SnapshotEventsAsync(project, "by-snapshot");

        // The model's rows are numbered in the order of the key's text, as diff: worker reads them: -1, 1, 10, 10, 10, 100, 9, then the null key.
        Assert.Equal(
            [
                "rejected 3 10: duplicate primary key '10' (rows 3 and 4); no row of this key is synced until the model has one",
                "rejected 4 10: duplicate primary key '10' (rows 3 and 4); no row of this key is synced until the model has one",
                "rejected 5 10: duplicate primary key '10' (rows 3 and 5); no row of this key is synced until the model has one",
                "rejected 8 : primary key column 'account_id' is null or empty",
            ],
            events.OfType<RowRejected>().Select(r => $"rejected {r.RowNumber} {r.Key}: {r.Reason}"));
        Assert.Equal(RejectedInOrder(await SnapshotEventsAsync(project, "by-worker")), RejectedInOrder(events));
        Assert.Equal(["-1", "1", "100", "9"], Added(events));
        var run = await RunBothAsync(project);
        Assert.Equal(Changes(run.Worker), Changes(run.Snapshot));
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
        Assert.Equal(4, Records(project, "snapshot").Count);
    }

    [Fact]
    public async Task Run_MoreDuplicatedKeysThanTheStatementLists_FoundByTheStatementItselfSameChangesAsTheWorker()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(1300));
        await RunBothAsync(project);

        // 1,005 keys get an identical twin (past the 1,000 keys the statement lists as literals: it finds them itself), and one row changes.
        await ExecuteAsync(project, """
            insert into accounts select * from accounts where account_id <= 'acc_1005';
            update accounts set days_in_stage = 99 where account_id = 'acc_1200';
            """);
        var run = await RunBothAsync(project);

        Assert.Equal((0L, 1L, 2010L), (run.Worker.Counts.Added, run.Worker.Counts.Changed, run.Worker.Counts.Rejected));
        Assert.Equal(Changes(run.Worker), Changes(run.Snapshot));
        Assert.Equal(2011L, run.Snapshot.Counts.RowsRead);
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
    }

    [Fact]
    public async Task Read_RejectedRowsOnceTheStateHoldsKeys_NumberedAsTheWorkersDiffNumbersThem()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(60));
        await RunBothAsync(project);

        // The statement now returns only these rows; each rejection still names the rows of the whole model in key order
        // (the empty key first, the null one last).
        await ExecuteAsync(project, """
            insert into accounts values ('acc_0020', 'twin ✎', 20, null), ('acc_0045', '', 5, 'n'), ('acc_0045', 'third', 5, 'n'),
                (null, 'no key', 7, 'n'), ('', 'empty', 8, ''), ('ключ', repeat('long ✓', 500), 1, 'ü'), ('ключ', 'два', 2, null), ('zz', 'new', 3, 'n');
            update accounts set days_in_stage = 99 where account_id in ('acc_0003', 'acc_0059');
            """);
        var worker = Rejected(await SnapshotEventsAsync(project, "by-worker"));
        var snapshot = Rejected(await SnapshotEventsAsync(project, "by-snapshot"));

        Assert.Equal(9, worker.Count);
        Assert.Equal(worker, snapshot);
        Assert.Contains("rejected 22 acc_0020: duplicate primary key 'acc_0020' (rows 21 and 22); no row of this key is synced until the model has one", snapshot);
        var run = await RunBothAsync(project);
        Assert.Equal(Changes(run.Worker), Changes(run.Snapshot));
        Assert.Equal((1L, 2L, 9L), (run.Snapshot.Counts.Added, run.Snapshot.Counts.Changed, run.Snapshot.Counts.Rejected));
    }

    [Fact]
    public async Task Read_RejectedWholeNumberKeysOnceTheStateHoldsKeys_GivenInTheWorkersOrderWithItsNumbers()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select cast(i * i as bigint) as account_id, 'Zoë ' || cast(i as varchar) as account_name, i % 40 as days_in_stage, 'n' as internal_note
            from generate_series(1, 60) as t(i);
            insert into accounts values (100, 'twin', 1, 'n'), (null, 'no key', 2, 'n');
            """);
        Assert.Equal(RejectedInOrder(await SnapshotEventsAsync(project, "by-worker")), RejectedInOrder(await SnapshotEventsAsync(project, "by-snapshot")));
        await RunBothAsync(project);
        await ExecuteAsync(project, "delete from accounts where account_name = 'twin' or account_id is null");
        await ExecuteAsync(project, """
            insert into accounts values (49, 'twin', 1, null), (1600, '', 2, 'n'), (16, 'twin ✓', 3, ''), (null, 'no key', 4, 'n'), (1600, 'third', 5, 'n');
            update accounts set days_in_stage = 99 where account_id in (4, 3600);
            """);

        var worker = RejectedInOrder(await SnapshotEventsAsync(project, "by-worker"));
        var snapshot = RejectedInOrder(await SnapshotEventsAsync(project, "by-snapshot"));

        Assert.Equal(8, worker.Count);
        Assert.Equal(worker, snapshot);
    }

    private static List<string> RejectedInOrder(List<DiffEvent> events) =>
        events.OfType<RowRejected>().Select(r => $"{r.RowNumber} {r.Key}: {r.Reason}").ToList();

    private static List<string> Rejected(List<DiffEvent> events) =>
        events.OfType<RowRejected>().Select(r => $"rejected {r.RowNumber} {r.Key}: {r.Reason}").Order(StringComparer.Ordinal).ToList();

    // Every event of one read against the snapshot, as a plan reads it (nothing written).
    private static async Task<List<DiffEvent>> SnapshotEventsAsync(TestProject project, string sync)
    {
        await project.State.InitializeAsync(CancellationToken.None);
        await using var runtime = project.Runtime();
        var state = await SavedState.LoadAsync(project.State, sync, CancellationToken.None);
        var source = new ChangeSource(new SyncRunContext(runtime, runtime.Project.Syncs[sync], state, NullLogger.Instance));
        var events = new List<DiffEvent>();
        await foreach (var item in source.ReadAsync(CancellationToken.None))
        {
            events.Add(item);
        }

        return events;
    }

    // Each duplicated key's rows come one after the other; the first names itself and the second, each later one the first and itself.
    private static void AssertRejected(List<DiffEvent> events, params (string? Key, int Rows)[] expected)
    {
        var rejected = events.OfType<RowRejected>().ToList();
        Assert.Equal(expected.Sum(e => e.Rows), rejected.Count);
        foreach (var (key, rows) in expected)
        {
            var numbers = rejected.Where(r => r.Key == key).Select(r => r.RowNumber).Order().ToList();
            Assert.Equal(rows, numbers.Count);
            if (key is not null)
            {
                Assert.Equal(Enumerable.Range(0, rows).Select(i => numbers[0] + i), numbers);
                var reasons = rejected.Where(r => r.Key == key).OrderBy(r => r.RowNumber).Select(r => DuplicateRows().Match(r.Reason).Value);
                Assert.Equal(numbers.Select((n, i) => $"(rows {numbers[0]} and {(i == 0 ? numbers[1] : n)})"), reasons);
            }
        }
    }

    private static List<string> Added(List<DiffEvent> events) =>
        events.OfType<RowChange>().Where(c => c.Kind == ChangeKind.Added).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();

    // Every record sent (the dry-run upsert's inputs), in key order: the two diffs may send them in different orders.
    private static List<string> Records(TestProject project, string outbox) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl"))
            .SelectMany(l => JsonNode.Parse(l)!["body"]?["inputs"]?.AsArray().Select(i => i!.ToJsonString()) ?? [])
            .Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\(rows \d+ and \d+\)")]
    private static partial Regex DuplicateRows();
}
