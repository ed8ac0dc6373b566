using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.Extensions.Logging;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// DuckDB's <c>memory_limit</c>. One set on the connection holds. Without one, a statement runs within
/// <see cref="DuckDbOptions.StartingMemoryLimit"/>; one that runs out of memory there before its first row (a sort or
/// join larger than fits, <c>read_csv</c>'s buffers) runs again within <see cref="DuckDbOptions.RaisedMemoryLimit"/>,
/// which then holds for every statement of this warehouse (one that runs out after its first row fails as it is: its
/// rows were taken). DuckDB applies the setting to the whole database, which every connection to the file in this process
/// shares, so it is only ever raised: never below what the database already runs within.
/// </summary>
public sealed partial class DuckDbWarehouse
{
    private int _raised;

    /// <summary>The memory limit statements run within now.</summary>
    public string MemoryLimit => Raised ? options.RaisedMemoryLimit! : options.StartingMemoryLimit;

    private bool Raised => Volatile.Read(ref _raised) == 1;

    // Where files are found, then the raised limit once there is one: the database may have been closed and opened
    // again with the connection string's limit since.
    private async Task SetUpAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"set file_search_path = '{options.FileSearchPath.Replace("'", "''", StringComparison.Ordinal)}'";
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (!Raised)
        {
            return;
        }

        command.CommandText = "select current_setting('memory_limit')";
        if (Bytes(Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture)) < options.RaisedMemoryLimitBytes * 0.99)
        {
            command.CommandText = $"set memory_limit = '{options.RaisedMemoryLimit}'";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // Runs the work; out of memory within the default's first limit, raises it and runs the work once more (also when
    // another statement raised it meanwhile: this one may have run within the first).
    private async Task<T> WithinMemoryAsync<T>(string tag, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var raisable = options.RaisedMemoryLimit is not null && !Raised;
        try
        {
            return await work();
        }
        catch (Exception ex) when (raisable && OutOfMemory(ex) && !cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _raised, 1) == 0)
            {
                Log.MemoryLimitRaised(log, Path.GetFileName(options.Path), tag, options.StartingMemoryLimit, options.RaisedMemoryLimit!);
            }

            return await work();
        }
    }

    private static bool OutOfMemory(Exception ex) => ex switch
    {
        DuckDBException duck => OutOfMemory(duck),
        Abstractions.WarehouseException { InnerException: DuckDBException duck } => OutOfMemory(duck),
        _ => false,
    };

    // By its type, or by its text where DuckDB gives none: an error while preparing the statement (read_csv's sniffer
    // reads the file then) comes as text only.
    private static bool OutOfMemory(DuckDBException ex) =>
        ex.ErrorType == DuckDBErrorType.OutOfMemory || ex.Message.Contains("Out of Memory Error", StringComparison.Ordinal);

    /// <summary>Bytes of a size as DuckDB shows it (<c>91.5 MiB</c>, <c>1.8 GiB</c>, <c>512 bytes</c>); +∞ for one it shows otherwise, which is never raised.</summary>
    internal static double Bytes(string? shown)
    {
        var match = ShownSize().Match(shown ?? string.Empty);
        if (!match.Success)
        {
            return double.PositiveInfinity;
        }

        var power = Array.IndexOf(Units, match.Groups[2].Value);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * Math.Pow(1024, power);
    }

    private static readonly string[] Units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*(bytes|KiB|MiB|GiB|TiB|PiB)\s*$")]
    private static partial Regex ShownSize();

    private static partial class Log
    {
        [LoggerMessage(2500, LogLevel.Information, "DuckDB ({File}) ran out of memory for {Tag} within the default memory_limit of {From}; it runs again within {To}, the limit from now on in this process (set memory_limit on the connection to choose it)")]
        public static partial void MemoryLimitRaised(ILogger logger, string file, string tag, string from, string to);
    }
}
