using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// An alert as a Slack message: the whole text (the notification and the fallback), and blocks: a header, the facts,
/// what to do, and which alert sent it. Text is escaped for mrkdwn and kept within Slack's limits (a header's 150
/// characters, a section's 3,000).
/// </summary>
internal static class SlackAlertLayout
{
    private const int MaxHeader = 150;
    private const int MaxSection = 3000;

    public static string Text(AlertMessage message) => Escape(message.ToString());

    public static JsonArray Blocks(AlertMessage message, string route) =>
    [
        new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(message.Headline, MaxHeader) } },
        Section(string.Join("\n", message.Details)),
        Section(message.Action),
        new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Escape($"ReverseEtl alert '{route}'") }) },
    ];

    private static JsonObject Section(string text) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(Escape(text), MaxSection) } };

    private static string Escape(string text) => MrkdwnEncoder.Instance.Encode(text);

    // Past the limit, cut at a whole character (never inside a surrogate pair, a combining sequence or an escape such
    // as '&amp;') and end with '…'.
    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = System.Globalization.StringInfo.ParseCombiningCharacters(text).Last(i => i <= max - 1);
        var escape = text.LastIndexOf('&', cut - 1);
        if (escape >= 0 && text.IndexOf(';', escape) is var end && (end < 0 || end >= cut))
        {
            cut = escape;
        }

        return text[..cut] + "…";
    }
}
