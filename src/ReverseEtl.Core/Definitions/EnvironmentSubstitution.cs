using System.Text.RegularExpressions;

namespace ReverseEtl.Core.Definitions;

/// <summary>Replaces <c>${VAR}</c> and <c>${VAR:-default}</c> in definition strings; <c>$${</c> stands for a literal <c>${</c>.</summary>
public sealed partial class EnvironmentSubstitution(Func<string, string?> lookup)
{
    /// <summary>Whether <paramref name="text"/> refers to the environment at all.</summary>
    public static bool HasReferences(string text) => text.Contains("${", StringComparison.Ordinal);

    /// <summary>The first variable <paramref name="text"/> refers to (<c>${SLACK_BOT_TOKEN:-}</c> gives <c>SLACK_BOT_TOKEN</c>), or null.</summary>
    public static string? FirstVariable(string? text) =>
        text is not null && Reference().Matches(text).FirstOrDefault(m => m.Groups["name"].Success) is { } match ? match.Groups["name"].Value : null;

    /// <summary>Substitutes; returns false and names the first unset variable (without a default) when there is one.</summary>
    public bool TryApply(string text, out string result, out string? missingVariable)
    {
        string? missing = null;
        result = Reference().Replace(text, match =>
        {
            if (match.Groups["escape"].Success)
            {
                return "${";
            }

            var name = match.Groups["name"].Value;
            var value = lookup(name);
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }

            if (match.Groups["default"].Success)
            {
                return match.Groups["default"].Value.Replace("$${", "${", StringComparison.Ordinal);
            }

            missing ??= name;
            return string.Empty;
        });
        missingVariable = missing;
        return missing is null;
    }

    [GeneratedRegex(@"(?<escape>\$\$\{)|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
