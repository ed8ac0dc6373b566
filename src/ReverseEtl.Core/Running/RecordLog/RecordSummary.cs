using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>
/// What the record log keeps of a payload: the mapped fields, those the sync redacts (<c>log.redact</c>) as
/// <c>"[redacted]"</c> and long values cut; and a short hash per field that is not redacted, so that a later entry can
/// name the fields that changed. Each hash is salted with the sync, key and field, and 32 bits (a change missed once in
/// four billion). A redacted field has no hash: with its salt beside it, even a short one could be checked against
/// guesses, so a change of a redacted field is not named. Headers and tokens are never part of a payload.
/// </summary>
public static partial class RecordSummary
{
    /// <summary>What a redacted value becomes.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>The longest value kept whole, in characters of its JSON.</summary>
    public const int MaxValueChars = 200;

    private static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields whose hashes differ between two entries' <see cref="Of"/> hashes (added or dropped fields too), in the newer's order.</summary>
    public static IReadOnlyList<string> ChangedFields(string? newer, string? older)
    {
        if (newer is null || older is null || JsonNode.Parse(newer) is not JsonObject now || JsonNode.Parse(older) is not JsonObject before)
        {
            return [];
        }

        var changed = now.Where(f => before[f.Key]?.GetValue<string>() != f.Value?.GetValue<string>()).Select(f => f.Key).ToList();
        changed.AddRange(before.Select(f => f.Key).Where(f => !now.ContainsKey(f)));
        return changed;
    }

    /// <summary>
    /// A request body to show (<c>explain</c>) with every redacted field's value taken out, also where a template wrote
    /// it into a longer text.
    /// </summary>
    public static JsonNode? Scrub(JsonNode? body, IReadOnlyDictionary<string, object?> payload, IReadOnlySet<string> redact)
    {
        var secrets = Secrets(payload, redact);
        if (body is null || secrets.Count == 0)
        {
            return body;
        }

        var copy = body.DeepClone();
        return Swap(copy, secrets) ?? ScrubChildren(copy, secrets);
    }

    /// <summary>A text (a vendor's message, which may quote a value it refused) with every redacted field's value taken out.</summary>
    public static string? ScrubText(string? text, IReadOnlyDictionary<string, object?> payload, IReadOnlySet<string> redact) =>
        text is null ? null : Secrets(payload, redact).Aggregate(text, (t, s) => t.Replace(s, Redacted, StringComparison.Ordinal));

    // The redacted fields' values as text, longest first (so that one holding another is taken out whole).
    private static List<string> Secrets(IReadOnlyDictionary<string, object?> payload, IReadOnlySet<string> redact)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(redact);
        return payload.Where(p => redact.Contains(p.Key) && p.Value is not null)
            .Where(p => p.Value is not bool).Select(p => p.Value is string s ? s : ValueJson(p.Value).Trim('"')).Where(s => s.Length > 0).OrderByDescending(s => s.Length).ToList();
    }

    private static JsonNode ScrubChildren(JsonNode node, List<string> secrets)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => (Set: (Action<JsonNode>)(n => o[p.Key] = n), Child: p.Value)).ToList(),
            JsonArray a => a.Select((c, i) => (Set: (Action<JsonNode>)(n => a[i] = n), Child: c)).ToList(),
            _ => [],
        };
        foreach (var (set, child) in children.Where(c => c.Child is not null))
        {
            if (Swap(child!, secrets) is { } swapped)
            {
                set(swapped);
            }
            else
            {
                ScrubChildren(child!, secrets);
            }
        }

        return node;
    }

    // A text or number holding a redacted value, with the value taken out; null when it holds none.
    private static JsonValue? Swap(JsonNode node, List<string> secrets) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number && v.ToString() is var text
            && secrets.Any(s => text.Contains(s, StringComparison.Ordinal))
            ? JsonValue.Create(secrets.Aggregate(text, (t, s) => t.Replace(s, Redacted, StringComparison.Ordinal)))
            : null;

    // A value as its canonical JSON (the form the payload hash reads).
    private static string ValueJson(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer, Writing))
        {
            PayloadJson.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
