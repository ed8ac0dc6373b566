using DuckDB.NET.Data;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>Where the worker this benchmark measures was built, and DuckDB's own two-way EXCEPT (the <c>except</c> verb).</summary>
internal static class Locations
{
    /// <summary>The Release worker next to this benchmark (the project reference builds it with the benchmark).</summary>
    public static string WorkerDll()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ReverseEtl.sln")))
            {
                var dll = Path.Combine(folder.FullName, "src", "ReverseEtl.Worker", "bin", "Release", "net10.0", "reverse-etl.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"the worker is not built at {dll}: run with -c Release");
            }
        }

        throw new DirectoryNotFoundException($"no ReverseEtl.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The <c>except DB</c> verb: new EXCEPT old and old EXCEPT new, counted, printed; run as its own process.</summary>
    public static int Except(string database)
    {
        using var connection = new DuckDBConnection($"Data Source={database};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            select (select count(*) from (select * from accounts except select * from accounts_prev))
                 + (select count(*) from (select * from accounts_prev except select * from accounts))
            """;
        Console.WriteLine($"differing rows: {command.ExecuteScalar()}");
        return 0;
    }
}
