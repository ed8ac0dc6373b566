using System.Security.Cryptography;
using System.Text;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Where one DuckDB database of this process spills. DuckDB names its spill files alike in every database
/// (<c>duckdb_temp_storage_DEFAULT-0.tmp</c>), so two databases spilling into one folder (two processes, two overlapping
/// CronJob pods on a shared volume, two files in one worker) overwrite each other's blocks: wrong rows or a crash.
/// Each database of each process therefore spills into a folder of its own under the configured <c>temp_directory</c>.
/// </summary>
internal static class SpillFolder
{
    // The process id alone repeats across containers (each worker is often pid 1), hence the random part.
    private static readonly string ProcessPart = $"{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>The folder under <paramref name="root"/> for the database at <paramref name="database"/> opened with <paramref name="accessMode"/>.</summary>
    public static string For(string root, string database, string accessMode)
    {
        var databasePart = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{database}\n{accessMode}")))[..12];
        return Path.Combine(root, $"{ProcessPart}-{databasePart}");
    }
}
