using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Where one DuckDB database of this process spills. DuckDB names its spill files alike in every database
/// (<c>duckdb_temp_storage_DEFAULT-0.tmp</c>), so two databases spilling into one folder (two processes, two overlapping
/// CronJob pods on a shared volume, two files in one worker) overwrite each other's blocks: wrong rows or a crash.
/// Each database of each process therefore spills into a folder of its own under the configured <c>temp_directory</c>,
/// which DuckDB removes when the database closes.
/// </summary>
internal static partial class SpillFolder
{
    /// <summary>How old a folder left under <c>temp_directory</c> must be before another process removes it.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);

    // The process id alone repeats across containers (each worker is often pid 1), hence the random part. Neither part is
    // a secret: a Guid's random bits and xxHash, not System.Security.Cryptography, whose OpenSSL a run would otherwise
    // load for this alone (about 5 MiB of its peak memory).
    private static readonly string ProcessPart = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    private static readonly ConcurrentDictionary<string, bool> Prepared = new(StringComparer.Ordinal);

    /// <summary>The folder under <paramref name="root"/> for the database at <paramref name="database"/> opened with <paramref name="accessMode"/>.</summary>
    public static string For(string root, string database, string accessMode)
    {
        var databasePart = Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes($"{database}\n{accessMode}")))[..12];
        return Path.Combine(root, $"{ProcessPart}-{databasePart}");
    }

    /// <summary>
    /// Once per process and <paramref name="root"/>: makes it (DuckDB makes only the last folder of the one it spills
    /// to), and removes the spill folders under it untouched for <see cref="StaleAfter"/>: a worker killed while it
    /// spilled (out of memory, say) never removed its own.
    /// </summary>
    public static void Prepare(string root, DateTimeOffset now)
    {
        if (Prepared.ContainsKey(root))
        {
            return;
        }

        foreach (var folder in Directory.CreateDirectory(root).EnumerateDirectories().Where(f => Spill().IsMatch(f.Name)))
        {
            if (!folder.Name.StartsWith(ProcessPart + "-", StringComparison.Ordinal) && LastTouched(folder) < now.UtcDateTime - StaleAfter)
            {
                Remove(folder);
            }
        }

        Prepared[root] = true;
    }

    private static DateTime LastTouched(DirectoryInfo folder) =>
        folder.EnumerateFiles().Select(f => f.LastWriteTimeUtc).Append(folder.LastWriteTimeUtc).Max();

    private static void Remove(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Another process removed it first: gone, as wanted.
        }
    }

    [GeneratedRegex("^[0-9]+-[0-9a-f]{8}-[0-9a-f]{12}$")]
    private static partial Regex Spill();
}
