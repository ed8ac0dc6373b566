using System.Globalization;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e [--rows N] [--change-every K] [--delivery-seconds S] [--repeat R] [--dir PATH]</c>: N accounts (default
/// 100,000), one in K changed for the plan (default 100: 1%), S seconds of records at each vendor's ceiling (default 30;
/// 0 skips delivery), R runs each of the worker and of <c>EXCEPT</c>, taken in turn, for each comparison (default 3:
/// their medians are compared).
/// </summary>
internal sealed record E2eOptions(long Rows, int ChangeEvery, double DeliverySeconds, string Directory)
{
    /// <summary>How many times each comparison with <c>EXCEPT</c> runs both sides, one after the other.</summary>
    public int Repeat { get; init; } = 3;

    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var options = new E2eOptions(100_000, 100, 30, Path.Combine(Path.GetTempPath(), "retl-e2e"));
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--rows" => options with { Rows = long.Parse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) },
                "--change-every" => options with { ChangeEvery = int.Parse(value, CultureInfo.InvariantCulture) },
                "--delivery-seconds" => options with { DeliverySeconds = double.Parse(value, CultureInfo.InvariantCulture) },
                "--repeat" => options with { Repeat = int.Parse(value, CultureInfo.InvariantCulture) },
                "--dir" => options with { Directory = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}; e2e takes --rows N, --change-every K, --delivery-seconds S, --repeat R, --dir PATH"),
            };
            i++;
        }

        return options.Rows > 0 && options.ChangeEvery > 0 && options.Repeat > 0 && options.DeliverySeconds >= 0 ? options
            : throw new ArgumentException($"--rows ({options.Rows}), --change-every ({options.ChangeEvery}) and --repeat ({options.Repeat}) must be positive, --delivery-seconds ({options.DeliverySeconds}) not negative");
    }
}
