using System.Globalization;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e [--rows N] [--change-every K] [--delivery-seconds S] [--repeat R] [--dir PATH]</c>: N accounts (default
/// 100,000), one in K changed for the plan (default 100: 1%), S seconds of records at each vendor's ceiling (default 30;
/// 0 skips delivery), R runs of each side of every comparison with <c>EXCEPT</c>, taken alternately (default 3: their
/// medians are compared).
/// </summary>
internal sealed record E2eOptions(long Rows, int ChangeEvery, double DeliverySeconds, int Repeat, string Directory)
{
    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var options = new E2eOptions(100_000, 100, 30, 3, Path.Combine(Path.GetTempPath(), "retl-e2e"));
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = (args[i], i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value"));
            options = name switch
            {
                "--rows" => options with { Rows = (long)Number(name, value) },
                "--change-every" => options with { ChangeEvery = (int)Number(name, value) },
                "--delivery-seconds" => options with { DeliverySeconds = Number(name, value, whole: false) },
                "--repeat" => options with { Repeat = (int)Number(name, value) },
                "--dir" => options with { Directory = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"unknown option {name}; e2e takes --rows N, --change-every K, --delivery-seconds S, --repeat R, --dir PATH"),
            };
            i++;
        }

        return options.Rows > 0 && options.ChangeEvery > 0 && options.Repeat > 0 && options.DeliverySeconds >= 0 ? options
            : throw new ArgumentException($"--rows ({options.Rows}), --change-every ({options.ChangeEvery}) and --repeat ({options.Repeat}) must be positive, --delivery-seconds ({options.DeliverySeconds}) not negative");
    }

    // An option's number (thousands separators allowed): a whole one up to int.MaxValue unless told otherwise.
    private static double Number(string name, string value, bool whole = true) =>
        double.TryParse(value, NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && (!whole || (number == Math.Floor(number) && number <= int.MaxValue))
            ? number
            : throw new ArgumentException($"{name} takes a {(whole ? "whole number" : "number")}, not '{value}'");
}
