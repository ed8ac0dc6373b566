using System.Diagnostics;
using OpenTelemetry;

namespace ReverseEtl.Worker.Hosting.Telemetry;

/// <summary>
/// Cuts <c>url.full</c> on HttpClient's spans to the scheme and host before they are exported: a path or query can hold
/// a customer's value (an external id, an email to look up) and a Slack webhook's URL is its secret.
/// </summary>
internal sealed class UrlRedaction : BaseProcessor<Activity>
{
    private const string UrlFull = "url.full";

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.GetTagItem(UrlFull) is string url)
        {
            data.SetTag(UrlFull, Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) + "/" : null);
        }
    }
}
