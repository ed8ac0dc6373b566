using System.Text.Encodings.Web;
using System.Text.Json;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Worker.Cli;

/// <summary>The lines of the per-record log's entries for one key, as <c>explain</c> and <c>history --key</c> print them.</summary>
internal static class RecentRunLines
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerOptions.Default) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Each entry: run, time, request, decision (with the fields that changed), outcome, vendor id, message; then the payload logged.</summary>
    public static IEnumerable<string> Of(IReadOnlyList<RecentRun> runs, string indent)
    {
        foreach (var r in runs)
        {
            var changed = r.ChangedFields.Count > 0 ? $" ({string.Join(", ", r.ChangedFields)})" : string.Empty;
            var message = r.Message is null ? string.Empty : $": {r.Message}";
            var vendor = r.VendorId is null ? string.Empty : $", vendor id {r.VendorId}";
            yield return $"{indent}run {r.RunId} at {r.At:yyyy-MM-dd HH:mm:ss}Z: {r.Action}, {r.Decision}{changed} → {r.Outcome}{vendor}{message}";
            if (r.Request is { } request)
            {
                yield return $"{indent}  request: {request.ToJsonString(Compact)}";
            }
        }
    }
}
