using ReverseEtl.Core.Definitions;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The shipped config, damaged in seeded random ways (characters deleted, doubled or inserted, a file cut short, lines
/// swapped), loaded through the real loader with every connector: it never throws, and each result is either a
/// project or problems each naming a file of the folder and a line in it.
/// </summary>
public class DefinitionFuzzTests
{
    private const int Mutations = 500;
    private static readonly string[] Inserted = ["[", "]", "{", "}", ":", "-", "\"", "'", "\t", ",", "#", "&", "*", "!", "|", ">", "%", "@", "`", "?", "\n", " ", "${", "\\", "\u00e9", "\U0001F389", "99999999999", "-1", "0", "~", "&a", "*a", "!!binary "];

    [Fact]
    public async Task Load_SeededMutationsOfTheShippedConfig_NeverThrowsAndEveryProblemNamesAFileAndLine()
    {
        await using var project = new TestProject().WithShippedConfig();
        var originals = Directory.EnumerateFiles(project.Paths.ConfigDirectory, "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllText);
        var random = new Random(20261130);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < Mutations; i++)
        {
            var file = originals.Keys.ElementAt(random.Next(originals.Count));
            var (kind, text) = Mutate(originals[file], random);
            await File.WriteAllTextAsync(file, text, TestContext.Current.CancellationToken);
            var result = LoadOrFail(project, $"mutation {i} ({kind}) of {file}");
            CheckProblems(result, originals, $"mutation {i} ({kind}) of {file}");
            var outcome = result.IsValid ? "valid" : "problems";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            await File.WriteAllTextAsync(file, originals[file], TestContext.Current.CancellationToken);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.Equal(Mutations, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("problems") >= Mutations / 3, "a third of the mutations or more should break something");
    }

    [Theory]
    [InlineData("    fields:", "    fields: [")]
    [InlineData("    fields:", "    fields: {")]
    [InlineData("    model:", "    model: [account_partner_context")]
    [InlineData("syncs:", "syncs: {")]
    [InlineData("syncs:", "syncs: [")]
    public async Task Load_UnclosedBracket_OneYamlSyntaxProblemAtItsFileAndLine(string line, string replacement)
    {
        await using var project = new TestProject().WithShippedConfig();
        var file = Path.Combine(project.Paths.ConfigDirectory, "syncs", "crm-partner-context.yaml");
        var lines = (await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken)).ToList();
        var at = lines.FindIndex(l => l.StartsWith(line, StringComparison.Ordinal));
        lines[at] = replacement;
        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);

        var error = Assert.Single(LoadOrFail(project, replacement).Errors);

        Assert.Equal("config/syncs/crm-partner-context.yaml", error.Location.File.Replace('\\', '/'));
        Assert.InRange(error.Location.Line, at + 1, lines.Count + 1);
        Assert.StartsWith("YAML syntax: ", error.Message, StringComparison.Ordinal);
    }

    private static DefinitionLoadResult LoadOrFail(TestProject project, string what)
    {
        try
        {
            return project.Load();
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: the loader threw {ex}");
            throw;
        }
    }

    private static void CheckProblems(DefinitionLoadResult result, Dictionary<string, string> originals, string what)
    {
        Assert.True(result.IsValid != (result.Errors.Count > 0), $"{what}: {result.Errors.Count} problem(s) but project {(result.Project is null ? "null" : "built")}");
        foreach (var error in result.Errors)
        {
            var file = originals.Keys.FirstOrDefault(f => f.Replace('\\', '/').EndsWith("/" + error.Location.File.Replace('\\', '/'), StringComparison.Ordinal));
            Assert.True(file is not null, $"{what}: '{error}' names no file of the config folder");
            var lines = originals[file!].Split('\n').Length + 2; // a mutation adds at most a line or two
            Assert.True(error.Location.Line >= 1 && error.Location.Line <= lines && error.Location.Column >= 1, $"{what}: '{error}' has no line of the file");
        }
    }

    private static (string Kind, string Text) Mutate(string text, Random random)
    {
        var at = random.Next(text.Length);
        switch (random.Next(7))
        {
            case 0:
                return ("delete", text.Remove(at, 1));
            case 1:
                return ("duplicate", text.Insert(at, text[at].ToString()));
            case 2 or 3:
                return ("insert", text.Insert(at, Inserted[random.Next(Inserted.Length)]));
            case 4:
                return ("truncate", text[..at]);
            case 5:
                var colon = text.IndexOf(": ", at, StringComparison.Ordinal);
                return ("bracket after a key", text.Insert(colon < 0 ? at : colon + 2, Inserted[random.Next(5)]));
            default:
                var lines = text.Split('\n');
                var line = random.Next(lines.Length - 1);
                (lines[line], lines[line + 1]) = (lines[line + 1], lines[line]);
                return ("swap lines", string.Join('\n', lines));
        }
    }
}
