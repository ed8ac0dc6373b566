using Dapper;
using Microsoft.Data.Sqlite;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// The check at a run's start finds a snapshot that lost a key, holds a key the state does not, or holds another row
/// hash or match for a key (each would hide a change from the one-statement diff), and the run rewrites it: only the key
/// buckets that differ for a single-column key (the SQLite state keeps each key's bucket), the whole snapshot for a key of
/// several columns. The run then gives the changes and requests of the worker's diff, and the next one reads only what
/// changed. Keys the state holds without a row hash are checked alike.
/// </summary>
public abstract partial class SnapshotDiffTests
{
    private protected abstract Task<long> ScalarAsync(TestProject project, string sql);

    // 2,000 plain accounts' companions in the corruption tests: non-ASCII, an emoji, a quote, a leading space, a very long
    // key and text, an empty key, nulls.
    private const string AwkwardAccounts = """
        ;
        insert into accounts values ('ключ_1', 'Имя — ünïcödé', 1, 'n'), ('emoji_🙂', 'Party 🎉', 2, ''), ('o''neil', '', 3, null),
            (' lead space', null, null, null), ('long_' || repeat('ü', 3000), repeat('y', 5000), 4, 'n'), ('', 'Empty key', 5, 'n')
        """;

    [Fact]
    public async Task Run_SnapshotCorruptedEachWay_FoundItsBucketsRewrittenAndSameChangesAsTheWorker()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(2000) + AwkwardAccounts);
        await RunBothAsync(project);
        await ExecuteAsync(project, "create table saved_rows as select * from retl_state.retl_snapshot where key_text in ('emoji_🙂', 'o''neil')");
        await ExecuteAsync(project, "delete from accounts where account_id = 'emoji_🙂'; update accounts set days_in_stage = 30 where account_id = 'o''neil'");
        await RunBothAsync(project);

        // Each of the first three hides a change from the statement: ключ_1 lost (and gone from the model), emoji_🙂 back
        // as it was before its removal (and back in the model), o'neil's row hash from before its change (change undone).
        // The others only cost reads: a flipped match, a row hash that is not hex, a key the state never had. Each row
        // keeps the check number (mix) of what it holds, as the worker writes them; the buckets name the few that differ,
        // and once they are rewritten the streamed check agrees, so the rest stays as it was (marked untouched).
        var (leadHash, leadMatched) = await StoredAsync(project, " lead space");
        await ExecuteAsync(project, $"""
            delete from retl_state.retl_snapshot where key_text = 'ключ_1';
            insert into retl_state.retl_snapshot select * from saved_rows where key_text = 'emoji_🙂';
            update retl_state.retl_snapshot set row_hash = (select row_hash from saved_rows where key_text = 'o''neil'),
                mix = (select mix from saved_rows where key_text = 'o''neil') where key_text = 'o''neil';
            update retl_state.retl_snapshot set matched = not matched, mix = {Mix(" lead space", leadHash, !leadMatched)} where key_text = ' lead space';
            update retl_state.retl_snapshot set row_hash = 'not hex at all' where key_text like 'long_%';
            insert into retl_state.retl_snapshot values ('by-snapshot', 'ghost ✗', 'ghost ✗', '0123456789abcdef', true, {Mix("ghost ✗", 0x0123456789abcdef, true)});
            delete from accounts where account_id = 'ключ_1';
            insert into accounts values ('emoji_🙂', 'Party 🎉', 2, '');
            update accounts set days_in_stage = 3 where account_id = 'o''neil';
            """);
        await MarkUntouchedAsync(project);
        var repaired = await RunBothAsync(project);
        var untouched = await UntouchedAsync(project);
        var after = await RunBothAsync(project);

        Assert.Equal((1L, 1L, 1L, 1L), (repaired.Worker.Counts.Added, repaired.Worker.Counts.Changed, repaired.Worker.Counts.Removed, repaired.Worker.Counts.Rejected));
        Assert.Equal(Changes(repaired.Worker), Changes(repaired.Snapshot));
        Assert.InRange(untouched, 1500, 1999); // 2,005 keys in 128 buckets: only the (at most 6) that differed were rewritten
        Assert.Equal((0L, 1L), (after.Snapshot.Counts.Sent, after.Snapshot.Counts.RowsRead)); // the empty key, rejected every run
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
    }

    [Fact]
    public async Task Run_SnapshotOfAKeyOfTwoColumnsCorrupted_FoundAndRebuiltWhole()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table visits as
            select case when i = 7 then 'ключ_🙂' else 'acc_' || lpad(cast(i % 50 as varchar), 2, '0') end as account_id,
                   date '2025-01-01' + cast(floor(i / 50) as integer) as visit_day, i as minutes, 'ü ' || cast(i as varchar) as note
            from generate_series(0, 199) as t(i)
            """);
        await RunBothAsync(project, "pair-");

        // A key lost (and gone from the model: the statement would not see it) and one the state never had: as many keys.
        await ExecuteAsync(project, """
            delete from retl_state.retl_snapshot where key_text = 'acc_01' || chr(31) || '2025-01-01';
            insert into retl_state.retl_snapshot values ('pair-snapshot', 'ghost ✗' || chr(31) || '2025-01-01', '["ghost ✗","2025-01-01"]', '0123456789abcdef', true, 0);
            delete from visits where account_id = 'acc_01' and visit_day = date '2025-01-01';
            """);

        var rebuilt = await RunBothAsync(project, "pair-");
        var after = await RunBothAsync(project, "pair-");

        Assert.Equal((0L, 0L, 1L), (rebuilt.Worker.Counts.Added, rebuilt.Worker.Counts.Changed, rebuilt.Worker.Counts.Removed));
        Assert.Equal(Changes(rebuilt.Worker), Changes(rebuilt.Snapshot));
        Assert.Equal(0L, after.Snapshot.Counts.RowsRead);
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }

    [Fact]
    public async Task Run_StoredKeysWithoutARowHash_SnapshotRewrittenToMatchThenTheirRowHashesStoredAndNothingSent()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(1200) + ";\ninsert into accounts values ('ü-東京', 'Zoë', 1, ''), ('o''neil', null, null, null)");
        await RunBothAsync(project);

        // As a 'diff: worker' run on a warehouse without row hashes leaves them: the state holds no row hash for these keys.
        await using (var state = new SqliteConnection($"Data Source={((SqliteSyncStateStore)project.State).DatabasePath}"))
        {
            await state.ExecuteAsync("update sync_records set row_hash = 0 where sync = 'by-snapshot' and key in ('acc_0500', 'ü-東京', 'o''neil')");
        }

        var rehashed = await RunBothAsync(project);
        var after = await RunBothAsync(project);

        Assert.Equal((0L, 0L), (rehashed.Snapshot.Counts.Sent, rehashed.Snapshot.Counts.Changed));
        Assert.Equal(3L, rehashed.Snapshot.Counts.RowsRead); // returned to store their row hash
        Assert.Equal((0L, 0L), (after.Snapshot.Counts.Sent, after.Snapshot.Counts.RowsRead));
        Assert.Equal(Changes(rehashed.Worker), Changes(rehashed.Snapshot));
    }
}
