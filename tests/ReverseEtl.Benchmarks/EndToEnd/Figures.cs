using System.Globalization;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// The figures of one e2e run: printed as a markdown table, then one <c>name=value</c> line each. A comparison with
/// <c>EXCEPT</c> gives the medians of <paramref name="runs"/> runs of each side (<see cref="ChildResult.Median"/>).
/// </summary>
internal sealed class Figures(int runs)
{
    private readonly List<(string Name, double Value, string Unit, string What)> _figures = [];

    /// <summary>How a figure of the median of the runs says so (nothing with one run).</summary>
    public string OfRuns => runs > 1 ? $", median of {runs}" : string.Empty;

    public void Add(string name, double value, string unit, string what) => _figures.Add((name, value, unit, what));

    /// <summary>A whole-process time against DuckDB's own EXCEPT on the same tables, and the worker's peak.</summary>
    public void Ratio(string name, ChildResult worker, ChildResult except, string what)
    {
        Add($"{name}_s", worker.Elapsed.TotalSeconds, "s", $"{what}{OfRuns}");
        Add($"{name}_except_s", except.Elapsed.TotalSeconds, "s", $"{what}: DuckDB's two-way EXCEPT on the same tables, whole process{OfRuns}");
        Add($"{name}_ratio", worker.Elapsed / except.Elapsed, "×", $"{what}, against EXCEPT{(runs > 1 ? " (the medians)" : string.Empty)}");
        Add($"{name}_peak_rss_mib", worker.PeakRssBytes / 1024.0 / 1024.0, "MiB", $"{what}, peak RSS{OfRuns}");
    }

    public void Write(TextWriter output, E2eOptions options)
    {
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## e2e, {options.Rows:N0} rows, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"));
        output.WriteLine();
        output.WriteLine("| figure | value | unit |");
        output.WriteLine("|---|---:|---|");
        _figures.ForEach(f => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {f.What} | {Format(f.Value)} | {f.Unit} |")));
        output.WriteLine();
        _figures.ForEach(f => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Name}={f.Value:0.###}")));
    }

    private static string Format(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);
}
