using Npgsql;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Warehouses.Postgres;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>PostgreSQL as a warehouse, for real: a server the tests start.</summary>
[Collection(UsesPostgres.Name)]
public sealed class PostgresWarehouseTests(PostgresServer server)
{
    [Fact]
    public async Task Query_EveryCommonType_IsNormalisedToTheBoundaryValues()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresServer.ExecuteAsync(connectionString, """
            create table t (i int, b bigint, n numeric(10,2), r real, d double precision, f boolean, s text, dt date, tm time,
                            ts timestamp, tz timestamptz, j jsonb, a text[], u uuid, z text);
            insert into t values (7, 9000000000, 12.34, 1.5, 2.25, true, 'x', '2025-04-01', '14:03:11', '2025-05-02 14:03:11',
                                  '2025-05-20 10:00:00+02', '{"k":[1,"v"]}', array['salesforce','slack'], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null);
            """);
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var row = await result.ReadRowsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal("i b n r d f s dt tm ts tz j a u z".Split(' '), result.Columns.Select(c => c.Name));
        Assert.Equal([7L, 9_000_000_000L, 12.34m, 1.5d, 2.25d, true, "x", new DateOnly(2025, 4, 1), new TimeOnly(14, 3, 11)], row[..9]);
        Assert.Equal((new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc), DateTimeKind.Utc), ((DateTime)row[9]!, ((DateTime)row[9]!).Kind));
        Assert.Equal(new DateTime(2025, 5, 20, 8, 0, 0, DateTimeKind.Utc), row[10]);
        var json = Assert.IsType<Dictionary<string, object?>>(row[11]);
        Assert.Equal([1L, "v"], Assert.IsType<List<object?>>(json["k"]));
        Assert.Equal(["salesforce", "slack"], Assert.IsType<List<object?>>(row[12]));
        Assert.Equal(("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", null), (row[13], row[14]));
    }

    // Found by a differential fuzz of the diffs: an int[] holding a NULL failed every run, and so did an interval of a
    // day or more, a negative one or one with months (a time of day, read as before, is what a stored payload holds).
    [Fact]
    public async Task Query_ArraysHoldingNullsAndIntervalsOfEveryShape_ReadWithoutFailing()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresServer.ExecuteAsync(connectionString, """
            create table t (ints int[], flags boolean[], days date[], texts text[], empty int[], amounts numeric(10, 2)[], seen timestamp(3)[],
                            waits interval[], short interval, long interval(0), months interval, negative interval, mixed interval);
            insert into t values (array[1, null, 3], array[true, null], array['2025-04-01'::date, null], array['Zoë', null, ''], '{}',
                                  array[12.34, null], array['2025-05-02 14:03:11.123'::timestamp, null], array['1 month'::interval, null, '00:30'],
                                  '02:03:04.5', '1 day 02:00', '1 year 2 months 3 days 04:05:06.5', '-90 minutes', '1 day -23:59:59.5');
            """);
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from t", "test"), CancellationToken.None);
        var row = await result.ReadRowsAsync(CancellationToken.None).SingleAsync();

        Assert.Equal([1L, null, 3L], Assert.IsType<List<object?>>(row[0]));
        Assert.Equal([true, null], Assert.IsType<List<object?>>(row[1]));
        Assert.Equal([new DateOnly(2025, 4, 1), null], Assert.IsType<List<object?>>(row[2])); // a day, as a date column reads
        Assert.Equal(["Zoë", null, string.Empty], Assert.IsType<List<object?>>(row[3]));
        Assert.Empty(Assert.IsType<List<object?>>(row[4]));
        Assert.Equal([12.34m, null], Assert.IsType<List<object?>>(row[5]));
        Assert.Equal([new DateTime(2025, 5, 2, 14, 3, 11, 123, DateTimeKind.Utc), null], Assert.IsType<List<object?>>(row[6]));
        Assert.Equal(["P0Y1M0DT0H0M0S", null, new TimeOnly(0, 30)], Assert.IsType<List<object?>>(row[7]));
        Assert.Equal([new TimeOnly(2, 3, 4, 500), "1.02:00:00", "P1Y2M3DT4H5M6.5S", "-01:30:00", new TimeOnly(0, 0, 0, 500)], row[8..]);
    }

    [Fact]
    public async Task Query_AnArrayOfArraysHoldingANull_FailsNamingTheColumnNotTheValues()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select 'Zoë' as k, array[array[1, null], array[3, 4]] as grid", "test"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<WarehouseException>(async () => await result.ReadRowsAsync(CancellationToken.None).ToListAsync());

        Assert.StartsWith("PostgreSQL returned a value of column 'grid' (integer[]) that cannot be read", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Zoë", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Rejected_SaysWhereAndWhyWithoutThePassword()
    {
        var connectionString = await server.CreateDatabaseAsync() + ";Password=hunter2";
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.QueryAsync(new WarehouseQuery("select nope from nowhere", "reverse-etl:alerts"), CancellationToken.None));

        Assert.StartsWith($"PostgreSQL (127.0.0.1:{server.Port}/retl_test_", error.Message, StringComparison.Ordinal);
        Assert.Contains(") rejected the query for reverse-etl:alerts: 42P01: relation \"nowhere\" does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.False(error.OutOfResources);
    }

    // A limit of the server's own (SQLSTATE class 54: an array past its maximum size) is told apart from an error in the
    // query or its data, which would fail again however the work is split.
    [Theory]
    [InlineData("select array_fill(1, array[200000000]) as a", "54000", true)]
    [InlineData("select 1 / (count(*) - count(*)) as a from generate_series(1, 3)", "22012", false)]
    public async Task Query_FailedByALimitOrByTheData_OutOfResourcesOnlyForTheLimit(string sql, string sqlState, bool outOfResources)
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var warehouse = new PostgresWarehouse(new PostgresOptions(connectionString));

        var error = await Assert.ThrowsAsync<WarehouseException>(async () =>
        {
            await using var result = await warehouse.QueryAsync(new WarehouseQuery(sql, "test"), CancellationToken.None);
            await result.ReadRowsAsync(CancellationToken.None).CountAsync();
        });

        Assert.Contains($": {sqlState}: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(outOfResources, error.OutOfResources);
    }

    [Fact]
    public async Task Sync_OnPostgresWithStateInPostgres_SendsWhatEntersOnceAndThenOnlyTheNewlyStagnantAccount()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var stateDatabase = await server.CreateDatabaseAsync();
        await PostgresServer.ExecuteAsync(connectionString, """
            create table account_activation as
            select 'acc_' || lpad(i::text, 4, '0') as account_id, 'Account ' || i as account_name, (i % 30) as days_in_stage, i % 5 = 0 as is_activated
            from generate_series(1, 200) i;
            """);
        await using var project = new TestProject().WithVariable("POSTGRES_CONNECTION_STRING", connectionString)
            .WithVariable("RETL_STATE_CONNECTION_STRING", stateDatabase).WithFile("project.yaml", """
            version: 1
            connections:
              pg: { postgres: { connection_string: "${POSTGRES_CONNECTION_STRING}" } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: pg, primary_key: account_id, sql: select * from account_activation }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "not is_activated and days_in_stage >= 14", initial: send }
                slack: { channel: "#cs", text: "{{ row.account_name }} stuck {{ row.days_in_stage }} days" }
            """);

        var first = await project.RunAsync("alerts");
        var second = await project.RunAsync("alerts");
        await PostgresServer.ExecuteAsync(connectionString, "update account_activation set days_in_stage = 20 where account_id = 'acc_0001'");
        var third = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.Succeeded, 200L), (first.Status, first.Counts.RowsRead));
        Assert.Equal(Enumerable.Range(1, 200).Count(i => i % 5 != 0 && i % 30 >= 14), first.Counts.Sent);
        Assert.Equal((0L, 1L), (second.Counts.Sent, third.Counts.Sent));
        Assert.False(File.Exists(Path.Combine(project.Paths.DataDirectory, "state.db")));
        await using var state = new NpgsqlConnection(stateDatabase);
        await state.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from sync_records where sync = 'alerts'", state);
        Assert.Equal(200L, await count.ExecuteScalarAsync());
        Assert.Matches(@"^alerts: run 3 Succeeded at ", (await project.CliAsync("status")).Output);
    }
}
