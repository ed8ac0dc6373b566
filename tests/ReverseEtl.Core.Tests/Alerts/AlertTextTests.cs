using System.Globalization;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Alerts;
using ReverseEtl.Core.Definitions;
using static ReverseEtl.Core.Tests.Alerts.AlertKit;

namespace ReverseEtl.Core.Tests.Alerts;

public class AlertTextTests
{
    private readonly AlertKit _kit = new();

    [Fact]
    public void For_Failed_NamesSyncRunErrorAndVerbs()
    {
        var message = AlertText.For(AlertCondition.Failed, _kit.Sync, Report(RunStatus.Failed, 42, error: "Zoë's warehouse: table «accounts» does not exist"), 5);

        Assert.Equal("Sync s failed", message.Headline);
        Assert.Equal(
        [
            "Run 42, started 2026-12-02 02:00:00 UTC, ended Failed: 10 rows read, 0 added, 0 changed, 0 removed, 0 rejected; 2 sent, 0 failed.",
            "Error: Zoë's warehouse: table «accounts» does not exist",
        ], message.Details);
        Assert.Contains("`history --sync s`", message.Action, StringComparison.Ordinal);
        Assert.Contains("`failures --sync s`", message.Action, StringComparison.Ordinal);
        Assert.Contains("`run --once --sync s`", message.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void For_HeldRecoveredRejected_EachSaysWhatHappenedAndWhatToDo()
    {
        var held = AlertText.For(AlertCondition.Held, _kit.Sync, Report(RunStatus.Held, 3, new RunCounts { RowsRead = 500, Withheld = 400 }, "400 messages to send, past limits.messages (100)"), 5);
        var recovered = AlertText.For(AlertCondition.Recovered, _kit.Sync, Report(RunStatus.Succeeded, 4), 5);
        var rejected = AlertText.For(AlertCondition.Rejected, _kit.Sync, Report(RunStatus.PartiallyFailed, 5, new RunCounts { RowsRead = 200, Rejected = 3, Sent = 6, Failed = 4 }), 5);

        Assert.Equal(("Sync s held back a plan", "Held: 400 messages to send, past limits.messages (100)", "400 record(s) were not sent."), (held.Headline, held.Details[1], held.Details[2]));
        Assert.Contains("`approve --sync s`", held.Action, StringComparison.Ordinal);
        Assert.StartsWith("Run 3, started 2026-11-30 11:00:00 UTC, ended Held", held.Details[0], StringComparison.Ordinal);
        Assert.Equal("Sync s recovered", recovered.Headline);
        Assert.StartsWith("Nothing to do", recovered.Action, StringComparison.Ordinal);
        Assert.Equal("Sync s rejected 40% of its records", rejected.Headline);
        Assert.Equal("3 of 200 rows rejected (a null or duplicated key); 4 of 10 records refused by the destination. This alert is posted past 5%.", rejected.Details[1]);
        Assert.Contains("`failures --sync s`", rejected.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void For_VeryLongNonAsciiError_CutAtAWholeCharacterSayingHowMuchIsLeftAndWhere()
    {
        var error = "Zoë " + string.Concat(Enumerable.Repeat("名前😀e\u0301", 1000)); // a surrogate pair and a combining accent, 5 chars each round

        var message = AlertText.For(AlertCondition.Failed, _kit.Sync, Report(RunStatus.Failed, 1, error: error), 5);

        var quoted = message.Details[1];
        var kept = quoted["Error: ".Length..quoted.IndexOf('…', StringComparison.Ordinal)];
        Assert.True(kept.Length <= AlertText.MaxError, $"kept {kept.Length}");
        Assert.StartsWith(kept, error, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(kept[^1]), "not cut inside a surrogate pair");
        Assert.Equal(StringInfo.ParseCombiningCharacters(error).Contains(kept.Length) ? kept.Length : -1, kept.Length);
        Assert.EndsWith($"… ({error.Length - kept.Length} more characters: `history --sync s` shows the whole error)", quoted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    public void Truncate_TextWithinTheLimit_Unchanged(string text) => Assert.Equal(text, AlertText.Truncate(text, 10, "s"));
}
