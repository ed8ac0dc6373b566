using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The bucket comparison's key rows merged with the state streamed in key order: where the merge could break (keys
/// that sort differently as numbers and as text, differ only in case, or by U+FFFD against an emoji; null, empty and
/// duplicated keys; keys removed from a bucket that differs), the same events as the state held in memory, and the
/// same events, requests and state as <c>diff: worker</c>.
/// </summary>
public abstract partial class WarehouseDiffTests
{
    // U+FFFD (what a lone surrogate becomes), an emoji (above U+FFFF) and a private-use character (U+E000): the code
    // point order puts U+E000 and U+FFFD before the emoji, the order of UTF-16 units after it.
    private const string R = "\uFFFD";
    private const string E = "\U0001F642";
    private const string P = "\uE000";

    /// <summary>Whether the warehouse's whole-number key type streams (Snowflake's NUMBER may have a scale: it does not).</summary>
    private protected virtual bool WholeNumbersStream => true;

    [Fact]
    public async Task Run_WholeNumberKeysNineAndTen_MergedSameAsInMemoryAndWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select cast(i as bigint) as account_id, 'Account ' || cast(i as varchar) as account_name, i % 40 as days_in_stage, 'n' as internal_note
            from generate_series(-30, 600) as t(i)
            """);
        await SameBothWaysAsync(project);

        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 1 where account_id in (9, 10, 100, -3, 99);
            delete from accounts where account_id in (11, 98, -30, 0);
            insert into accounts values (1000, 'New', 1, 'n'), (-1000, 'New', 1, 'n'), (10, 'Duplicate', 3, 'n'), (null, 'No key', 4, 'n');
            """);
        Assert.Equal(WholeNumbersStream, await MergedAsInMemoryAsync(project));
        var second = await SameBothWaysAsync(project);
        Assert.Equal((2L, 4L, 4L, 3L), (second.Counts.Added, second.Counts.Changed, second.Counts.Removed, second.Counts.Rejected));

        await ExecuteAsync(project, "delete from accounts where account_id is null or account_name = 'Duplicate'; update accounts set account_name = 'x' where account_id = 9");
        Assert.Equal(WholeNumbersStream, await MergedAsInMemoryAsync(project));
        var third = await SameBothWaysAsync(project);
        if (WholeNumbersStream)
        {
            Assert.InRange(third.Counts.KeysRead, 1, third.Counts.RowsRead / 2);
        }
    }

    [Fact]
    public async Task Run_KeysDifferingInCaseOrByReplacementCharacterAndEmoji_MergedSameAsInMemoryAndWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, $"""
            create table accounts as
            select 'k' || cast(i as varchar) as account_id, 'Account ' || cast(i as varchar) as account_name, i % 40 as days_in_stage, 'n' as internal_note
            from generate_series(1, 600) as t(i);
            insert into accounts values ('abc', 'lower', 1, 'n'), ('ABC', 'upper', 1, 'n'), ('aBc', 'mixed', 1, 'n'),
                ('x{R}y', 'replacement', 1, 'n'), ('x{E}y', 'emoji', 1, 'n'), ('x{P}', 'private use', 1, 'n'), ('xy', 'plain', 1, 'n'),
                ('{R}', 'replacement alone', 1, 'n'), ('{E}', 'emoji alone', 1, 'n'), ('ü-東京', 'Zoë', 1, 'n');
            """);
        await SameBothWaysAsync(project);

        await ExecuteAsync(project, $"""
            update accounts set days_in_stage = 7 where account_id in ('ABC', 'x{E}y', '{R}', 'ü-東京');
            delete from accounts where account_id in ('aBc', 'x{R}y', 'x{P}', 'k17');
            insert into accounts values ('Abc', 'new case', 1, 'n'), ('{E}{E}', 'new emoji', 1, 'n'), ('abc', 'Duplicate', 3, 'n'),
                (null, 'No key', 4, 'n'), ('', 'Empty key', 5, 'n');
            """);
        Assert.True(await MergedAsInMemoryAsync(project));
        var second = await SameBothWaysAsync(project);
        Assert.Equal((2L, 4L, 4L, 4L), (second.Counts.Added, second.Counts.Changed, second.Counts.Removed, second.Counts.Rejected));

        await ExecuteAsync(project, $"delete from accounts where account_id = 'x{E}y'");
        Assert.True(await MergedAsInMemoryAsync(project));
        var third = await SameBothWaysAsync(project);
        Assert.Equal((1L, 4L), (third.Counts.Removed, third.Counts.Rejected));
        Assert.InRange(third.Counts.KeysRead, 1, third.Counts.RowsRead / 2);
    }

    // The plan of the warehouse diff, merged and with the state in memory (the order of the key's values): the same
    // events, in order but for fetched and removed keys (sorted); whether the merge took place.
    private static async Task<bool> MergedAsInMemoryAsync(TestProject project)
    {
        await project.State.InitializeAsync(CancellationToken.None);
        await using var runtime = project.Runtime();
        var sync = runtime.Project.Syncs["by-warehouse"];
        var merged = new ChangeSource(new SyncRunContext(runtime, sync, await SavedState.LoadAsync(project.State, "by-warehouse", CancellationToken.None), NullLogger.Instance));
        var inMemory = new ChangeSource(new SyncRunContext(runtime, sync, await SavedState.LoadAsync(project.State, "by-warehouse", CancellationToken.None), NullLogger.Instance)) { MayStream = false };

        var expected = await DetailedEventsAsync(inMemory);
        Assert.Equal(expected, await DetailedEventsAsync(merged));
        Assert.NotEmpty(expected);
        Assert.False(inMemory.Streamed);
        Assert.Equal((inMemory.KeysRead, inMemory.RowsFetched), (merged.KeysRead, merged.RowsFetched));
        return merged.Streamed;
    }

    private static async Task<List<string>> DetailedEventsAsync(ChangeSource source)
    {
        var events = new List<string>();
        await foreach (var item in source.ReadAsync(CancellationToken.None))
        {
            events.Add(item switch
            {
                RowChange c => $"{c.Kind} {c.Key} {c.WasMatching}->{c.IsMatching} {c.Row?.Number} {c.Row?.Hash} {c.Row?.RowHash}",
                RowRejected r => $"rejected row {r.RowNumber} {r.Key}: {r.Reason}",
                RowRehashed r => $"rehashed {r.Key} {r.State}",
                ColumnsChanged c => $"columns {string.Join(",", c.Columns.OrderBy(p => p.Key, StringComparer.Ordinal))}",
                _ => throw new InvalidOperationException(item.GetType().Name),
            });
        }

        return events.Order(StringComparer.Ordinal).ToList();
    }
}
