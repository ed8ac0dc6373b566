using System.Globalization;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Benchmarks;

/// <summary>
/// What a diff keeps alive while rows stream through: the managed heap after a full collection, sampled every
/// 10,000 rows, minus the heap before the run. It should grow with the number of keys and not with payload size.
/// Run with <c>-- --retained</c>.
/// </summary>
internal static class RetainedMemory
{
    public static async Task RunAsync(TextWriter output)
    {
        output.WriteLine("diff     | rows     | text bytes | state MiB | peak retained during diff MiB | bytes per key");
        foreach (var merge in new[] { false, true })
        {
            foreach (var rows in new[] { 100_000, 1_000_000 })
            {
                foreach (var textBytes in new[] { 100, 4_000 })
                {
                    var (state, peak) = merge ? await MeasureMergeAsync(rows, textBytes) : await MeasureAsync(rows, textBytes);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(merge ? "merge" : "memory"),-8} | {rows,-8} | {textBytes,10} | {Mib(state),9:F1} | {Mib(peak),29:F1} | {(double)peak / rows,13:F0}"));
                }
            }
        }
    }

    // The streaming diff: the state streams in key order as the rows do, so nothing is held per key.
    private static async Task<(long State, long Peak)> MeasureMergeAsync(int rows, int textBytes)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var seen = 0;
        var diff = MergeDiff.DiffAsync(Rows.StreamAsync(rows, textBytes, changedEvery: 100), Rows.StateStreamAsync(rows, textBytes), (p, k) => new InvalidOperationException($"{k} after {p}"));
        await foreach (var item in diff)
        {
            if (item is RowChange { Row: not null } && ++seen % 100 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        return (0, peak);
    }

    private static async Task<(long State, long Peak)> MeasureAsync(int rows, int textBytes)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var previous = Rows.State(rows, textBytes);
        var state = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        long peak = 0;
        var seen = 0;
        await foreach (var item in DiffEngine.DiffAsync(Rows.StreamAsync(rows, textBytes, changedEvery: 100), previous))
        {
            if (item is RowChange { Row: not null } && ++seen % 100 == 0)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        GC.KeepAlive(previous);
        return (state, peak);
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;
}
