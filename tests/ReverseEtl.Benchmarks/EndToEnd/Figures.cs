using System.Globalization;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>The figures of one e2e run: printed as a markdown table, then one <c>name=value</c> line each.</summary>
internal sealed class Figures
{
    private readonly List<(string Name, double Value, string Unit, string What)> _figures = [];

    public void Add(string name, double value, string unit, string what) => _figures.Add((name, value, unit, what));

    /// <summary>
    /// A whole-process time against DuckDB's own EXCEPT on the same tables, and the worker's peak; with <paramref name="runs"/>
    /// above 1, the medians of that many runs of each, taken in turn (<see cref="ChildResult.Median"/>).
    /// </summary>
    public void Ratio(string name, ChildResult worker, ChildResult except, string what, int runs = 1)
    {
        var of = runs > 1 ? $", median of {runs}" : string.Empty;
        Add($"{name}_s", worker.Elapsed.TotalSeconds, "s", $"{what}{of}");
        Add($"{name}_except_s", except.Elapsed.TotalSeconds, "s", $"DuckDB's two-way EXCEPT on the same tables, whole process{of}");
        Add($"{name}_ratio", worker.Elapsed / except.Elapsed, "×", $"{what}, against EXCEPT{(runs > 1 ? " (the medians)" : string.Empty)}");
        Add($"{name}_peak_rss_mib", worker.PeakRssBytes / 1024.0 / 1024.0, "MiB", $"{what}, peak RSS{of}");
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
