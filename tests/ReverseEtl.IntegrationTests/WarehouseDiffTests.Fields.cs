namespace ReverseEtl.IntegrationTests;

// The warehouse's row hash covers the sync's fields: an edit of them is a change of every payload, as the worker's diff sees it.
public abstract partial class WarehouseDiffTests
{
    private const string MappedFields = "name: account_name, days_in_stage: days_in_stage }";

    // A field renamed and one added: the diff in the warehouse fetches every row once and sends what the worker's diff
    // sends; fields that only name the same columns in another case change no payload, and nothing is fetched.
    [Fact]
    public async Task Run_FieldsEdited_SameRequestsAsWorkerDiffOnceThenNothing()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'ключ_' || lpad(cast(i as varchar), 4, '0') as account_id,
                   case when i % 7 = 0 then null when i % 11 = 0 then '' else 'Zoë 🙂 ' || cast(i as varchar) end as account_name,
                   i % 40 as days_in_stage, case when i % 5 = 0 then null else repeat('ü', i * 20) end as internal_note
            from generate_series(1, 300) as t(i)
            """);
        await RunBothAsync(project);

        project.EditFile("project.yaml", MappedFields, "company_name: account_name, days_in_stage: days_in_stage, description: internal_note }");
        var edited = await RunBothAsync(project);
        project.EditFile("project.yaml", "company_name: account_name", "company_name: ACCOUNT_NAME");
        var recased = await RunBothAsync(project);

        Assert.Equal((300L, 300L), (edited.Worker.Counts.Changed, edited.Worker.Counts.Sent));
        Assert.Equal(edited.Worker.Counts.ToString(), edited.Warehouse.Counts.ToString());
        Assert.Equal(300L, edited.Warehouse.Counts.RowsFetched);
        Assert.Equal((0L, 0L, 0L), (recased.Worker.Counts.Sent, recased.Warehouse.Counts.Sent, recased.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }
}
