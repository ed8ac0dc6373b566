namespace ReverseEtl.IntegrationTests.Snapshot;

// The snapshot's row hashes cover the sync's fields: an edit of them is a change of every payload, as the worker's diff sees it.
public abstract partial class SnapshotDiffTests
{
    // A field renamed and one added: every row is read once and what the worker's diff sends is sent; the next run reads nothing.
    [Fact]
    public async Task Run_FieldsEdited_SameRequestsAsWorkerDiffOnceThenNothing()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(300) + """
            ;
            insert into accounts values ('ключ_1', 'Имя — ünïcödé', 1, 'n'), ('emoji_🙂', '', 2, null), ('long_1', repeat('y', 5000), 4, repeat('z', 3000)),
                ('nulls_1', null, null, null)
            """);
        await RunBothAsync(project);

        project.EditFile("project.yaml", "name: account_name, days_in_stage: days_in_stage }", "company_name: account_name, days_in_stage: days_in_stage, description: internal_note }");
        var edited = await RunBothAsync(project);
        var after = await RunBothAsync(project);

        Assert.Equal((304L, 304L), (edited.Worker.Counts.Changed, edited.Worker.Counts.Sent));
        Assert.Equal(Changes(edited.Worker), Changes(edited.Snapshot));
        Assert.Equal(304L, edited.Snapshot.Counts.RowsRead);
        Assert.Equal((0L, 0L, 0L), (after.Worker.Counts.Sent, after.Snapshot.Counts.Sent, after.Snapshot.Counts.RowsRead));
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }
}
