using ReverseEtl.Abstractions;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Checks;

/// <summary>A warehouse's error line in the zero-row query, placed back in trigger.when, the model's file or its inline SQL.</summary>
public sealed class ProbeQueryTests : IDisposable
{
    private readonly TempConfigFolder _folder = new TempConfigFolder()
        .With("models/m.sql", "\n\n  -- leading blank lines and a comment\n  select id,\n    bad_col\n  from t;\n")
        .With("a.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
            models:
              from_file: { connection: wh, primary_key: id, file: models/m.sql }
              inline:
                connection: wh
                primary_key: id
                sql: |
                  select id,
                         bad_inline
                  from t
            syncs:
              s1:
                model: from_file
                destination: chat
                mode: trigger
                trigger:
                  when: |-
                    a > 1
                    and b_typo < 2
                slack: { text: "x" }
              s2: { model: inline, destination: chat, mode: trigger, slack: { text: "y" } }
            """)
        .With("chat.yaml", """
            version: 1
            connections:
              chat: { slack: { token: "" } }
            """);

    [Theory]
    [InlineData("Could not convert string 'alice@example.com' to INT32", "Could not convert string '…' to INT32")]
    [InlineData("invalid input syntax for type integer: \"x\" at 'Zoë ''the'' 東京'", "invalid input syntax for type integer: \"x\" at '…'")]
    [InlineData("Numeric value '' is not recognized", "Numeric value '…' is not recognized")]
    [InlineData("Division by zero!", "Division by zero!")]
    public void WithoutValues_QuotedLiteralsOfTheRunsOwnReadHidden(string message, string expected) =>
        Assert.Equal(expected, ProbeQuery.WithoutValues(message));

    [Fact]
    public void Rejected_LineInTheModelFile_PlacedAtTheFilesOwnLineAndColumn()
    {
        var probe = Probe("s1");

        Assert.Equal("config/models/m.sql:5:5: model 'from_file' (sync 's1'): the warehouse rejected the query: no column bad_col", probe.Rejected(At(probe, "bad_col")).ToString());
    }

    [Fact]
    public void Rejected_LineInTheTriggerCondition_PlacedAtTriggerWhen()
    {
        var probe = Probe("s1");
        var error = At(probe, "b_typo");

        Assert.True(probe.InTrigger(error));
        Assert.Equal("config/a.yaml:21:13: syncs.s1.trigger.when: the warehouse rejected the trigger condition: no column b_typo", probe.Rejected(error).ToString());
    }

    [Fact]
    public void Rejected_LineInAnInlineBlockQuery_PlacedAtTheYamlLineAndColumn()
    {
        var probe = Probe("s2");

        Assert.Equal("config/a.yaml:11:14: model 'inline' (sync 's2'): the warehouse rejected the query: no column bad_inline", probe.Rejected(At(probe, "bad_inline")).ToString());
    }

    [Fact]
    public void Rejected_NoLineAndPointersIntoTheWrapper_AtTheModelWithoutThePointers()
    {
        var error = new WarehouseException("DuckDB rejected it: Parser Error: syntax error\n\nLINE 9: select x\n        ^\nPOSITION: 188");

        Assert.Equal("config/a.yaml:5:14: models.from_file: the warehouse rejected the query of model 'from_file' (sync 's1'): DuckDB rejected it: Parser Error: syntax error",
            Probe("s1").Rejected(error).ToString());
    }

    public void Dispose() => _folder.Dispose();

    private ProbeQuery Probe(string sync)
    {
        var result = new DefinitionLoader(FakeCatalog.Standard(), DefinitionText.Environment()).Load(_folder.Paths);
        Assert.Empty(result.Errors);
        var project = result.Project!;
        var definition = project.Syncs[sync];
        return new ProbeQuery(project, project.Models[definition.Model], definition, new ConfigText(new RuntimePathsView(_folder.Config)));
    }

    // The error a warehouse gives for a name: at its line and column in the statement it was sent.
    private static WarehouseException At(ProbeQuery probe, string name)
    {
        var lines = probe.Sql.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(name, StringComparison.Ordinal));
        return new WarehouseException($"no column {name}") { Line = line + 1, Column = lines[line].IndexOf(name, StringComparison.Ordinal) + 1 };
    }
}
