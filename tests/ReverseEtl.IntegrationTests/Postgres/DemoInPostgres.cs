using DuckDB.NET.Data;
using Npgsql;
using ReverseEtl.Warehouses.DuckDb.Demo;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>Copies the demo warehouse's three tables from DuckDB into a PostgreSQL database, through CSV and COPY.</summary>
internal static class DemoInPostgres
{
    // Lists become PostgreSQL array literals; everything else is CSV as both understand it.
    private static readonly (string Table, string Select)[] Tables =
    [
        ("account_activation", "select * replace ('{' || array_to_string(integrations_adopted, ',') || '}' as integrations_adopted) from account_activation"),
        ("account_partner_overlaps", "select * replace ('{' || array_to_string(partner_populations, ',') || '}' as partner_populations) from account_partner_overlaps"),
        ("account_users", "select * from account_users"),
    ];

    public static async Task LoadAsync(string duckDbPath, string connectionString)
    {
        var folder = Directory.CreateTempSubdirectory("retl-demo-csv-").FullName;
        try
        {
            await using var postgres = new NpgsqlConnection(connectionString);
            await postgres.OpenAsync();
            await using (var create = new NpgsqlCommand(DemoWarehouse.TableDefinitions, postgres))
            {
                await create.ExecuteNonQueryAsync();
            }

            foreach (var (table, select) in Tables)
            {
                var csv = Path.Combine(folder, $"{table}.csv");
                Export(duckDbPath, select, csv);
                await using var writer = await postgres.BeginTextImportAsync($"copy {table} from stdin (format csv)");
                await writer.WriteAsync(await File.ReadAllTextAsync(csv));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Export(string duckDbPath, string select, string csv)
    {
        using var duck = new DuckDBConnection($"Data Source={duckDbPath};ACCESS_MODE=READ_ONLY");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"copy ({select}) to '{csv}' (format csv, header false, timestampformat '%Y-%m-%d %H:%M:%S.%f')";
        command.ExecuteNonQuery();
    }
}
