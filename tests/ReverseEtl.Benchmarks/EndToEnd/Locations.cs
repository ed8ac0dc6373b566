using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>The worker this benchmark measures, published as the container image has it, and DuckDB's own two-way EXCEPT (the <c>except</c> verb).</summary>
internal static partial class Locations
{
    /// <summary>
    /// The worker as the container image has it: the Dockerfile's own <c>dotnet publish</c> command (Release,
    /// ReadyToRun for this machine's runtime) run into <paramref name="folder"/>. Returns the published program.
    /// </summary>
    public static async Task<string> PublishWorkerAsync(string folder)
    {
        var root = RepositoryRoot();
        var dockerfile = Path.Combine(root, "Dockerfile");
        var command = File.ReadLines(dockerfile).Select(line => PublishLine().Match(line)).FirstOrDefault(m => m.Success)
            ?? throw new InvalidOperationException($"no 'RUN dotnet publish ... --output /app' line in {dockerfile}");
        var args = command.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(arg => arg.EndsWith(".csproj", StringComparison.Ordinal) ? Path.Combine(root, arg) : arg)
            .Concat(["--output", folder]);
        (await ChildProcess.RunAsync("publish", args, new Dictionary<string, string>())).EnsureSucceeded("dotnet publish, as the Dockerfile runs it");
        return Path.Combine(folder, "reverse-etl.dll");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ReverseEtl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no ReverseEtl.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^RUN dotnet publish (.*) --output /app$")]
    private static partial Regex PublishLine();

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
