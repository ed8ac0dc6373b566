using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Benchmarks;

/// <summary>Model rows shaped like account_activation: a key, a few typed fields and a text field of a chosen size.</summary>
internal static class Rows
{
    public static string Key(int i) => $"acc_{i:D7}";

    public static Dictionary<string, object?> Payload(int i, int textBytes, int version) => new(StringComparer.Ordinal)
    {
        ["account_id"] = Key(i),
        ["account_name"] = $"Account {i}",
        ["onboarding_stage"] = (i % 4) switch { 0 => "signed", 1 => "configured", 2 => "integrated", _ => "live" },
        ["days_in_stage"] = (long)(i % 40),
        ["is_activated"] = i % 3 == 0,
        ["stage_entered_at"] = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
        ["csm_email"] = $"csm{i % 50}@example.com",
        ["notes"] = new string((char)('a' + (version % 26)), textBytes),
    };

    /// <summary>The rows of a run, in key order, built as they are read so that the benchmark holds one at a time.</summary>
    public static async IAsyncEnumerable<MappedRow> StreamAsync(int count, int textBytes, int changedEvery)
    {
        for (var i = 0; i < count; i++)
        {
            var payload = Payload(i, textBytes, version: i % changedEvery == 0 ? 1 : 0);
            yield return new MappedRow(i + 1, Key(i), null, Matches: i % 5 == 0, PayloadJson.Hash(payload), payload);
        }

        await Task.CompletedTask;
    }

    /// <summary>The state of <see cref="State"/>, streamed in key order and built as it is read, as a store streams it.</summary>
    public static async IAsyncEnumerable<StoredRecord> StateStreamAsync(int count, int textBytes)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new StoredRecord(Key(i), new RecordState(PayloadJson.Hash(Payload(i, textBytes, 0)), i % 5 == 0));
        }

        await Task.CompletedTask;
    }

    /// <summary>The state after a previous run over the same keys with version 0 payloads.</summary>
    public static Dictionary<string, RecordState> State(int count, int textBytes)
    {
        var state = new Dictionary<string, RecordState>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            state[Key(i)] = new RecordState(PayloadJson.Hash(Payload(i, textBytes, 0)), i % 5 == 0);
        }

        return state;
    }
}
