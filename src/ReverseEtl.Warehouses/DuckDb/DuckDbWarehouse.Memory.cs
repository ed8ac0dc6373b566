using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.Extensions.Logging;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// DuckDB's <c>memory_limit</c>. One set on the connection holds. Without one, a statement runs within
/// <see cref="DuckDbOptions.StartingMemoryLimit"/>; one that runs out of memory there before its first row (a sort or
/// join larger than fits, <c>read_csv</c>'s buffers) runs again within <see cref="DuckDbOptions.RaisedMemoryLimit"/>,
/// which then holds for every statement of this warehouse. DuckDB applies the setting to the whole database, which
/// every connection to the file in this process shares, so it is only ever raised, never lowered under a statement running.
/// </summary>
public sealed partial class DuckDbWarehouse
{
    private volatile bool _raised;

    /// <summary>The memory limit statements run within now.</summary>
    public string MemoryLimit => _raised ? options.RaisedMemoryLimit! : options.StartingMemoryLimit;

    // The statements each new connection runs first: where files are found, and the raised limit once there is one
    // (the database may have been closed and opened again with the connection string's limit since).
    private string Setup()
    {
        var search = $"set file_search_path = '{options.FileSearchPath.Replace("'", "''", StringComparison.Ordinal)}'";
        return _raised ? $"{search}; set memory_limit = '{MemoryLimit}'" : search;
    }

    // Runs the work; out of memory within the default's first limit, raises it and runs the work once more.
    private async Task<T> WithinMemoryAsync<T>(string tag, Func<Task<T>> work)
    {
        var raisable = options.RaisedMemoryLimit is not null && !_raised;
        try
        {
            return await work();
        }
        catch (Exception ex) when (raisable && OutOfMemory(ex))
        {
            var from = MemoryLimit;
            _raised = true;
            Log.MemoryLimitRaised(log, Path.GetFileName(options.Path), tag, from, MemoryLimit);
            return await work();
        }
    }

    private static bool OutOfMemory(Exception ex) => ex switch
    {
        DuckDBException duck => duck.ErrorType == DuckDBErrorType.OutOfMemory,
        Abstractions.WarehouseException { InnerException: DuckDBException duck } => duck.ErrorType == DuckDBErrorType.OutOfMemory,
        _ => false,
    };

    private static partial class Log
    {
        [LoggerMessage(2500, LogLevel.Information, "DuckDB ({File}) ran out of memory for {Tag} within the default memory_limit of {From}; it runs again within {To}, the limit from now on in this process (set memory_limit on the connection to choose it)")]
        public static partial void MemoryLimitRaised(ILogger logger, string file, string tag, string from, string to);
    }
}
