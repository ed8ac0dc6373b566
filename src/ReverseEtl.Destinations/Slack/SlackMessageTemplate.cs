using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Text;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// The compiled <c>slack:</c> section of a sync: recipient, text and Block Kit templates. Row values are escaped for
/// mrkdwn in <c>text</c> and in every text object of type mrkdwn; plain_text is left as written.
/// </summary>
internal sealed class SlackMessageTemplate
{
    private const int MaxText = 40_000;
    private const int MaxBlockText = 3_000;

    private readonly Dictionary<string, ITemplate> _templates;
    private readonly JsonElement _options;

    private SlackMessageTemplate(JsonElement options, Dictionary<string, ITemplate> templates) => (_options, _templates) = (options, templates);

    public bool UnfurlLinks => _options.TryGetProperty("unfurl_links", out var v) && v.ValueKind == JsonValueKind.True;

    public bool UnfurlMedia => _options.TryGetProperty("unfurl_media", out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>Compiles every template in <paramref name="options"/>; each failure is a problem with its path.</summary>
    public static SlackMessageTemplate Compile(JsonElement options, ITemplateCompiler compiler, List<ConfigProblem> problems, bool needsRecipient = true)
    {
        var templates = new Dictionary<string, ITemplate>(StringComparer.Ordinal);
        if (options.ValueKind == JsonValueKind.Object)
        {
            Collect(options, string.Empty, compiler, templates, problems);
        }

        if (needsRecipient && options.ValueKind == JsonValueKind.Object
            && !options.TryGetProperty("user_email", out _) && !options.TryGetProperty("channel", out _))
        {
            problems.Add(new ConfigProblem(string.Empty, "set 'channel', 'user_email' or both: the message needs a recipient"));
        }

        return new SlackMessageTemplate(options, templates);
    }

    public string? Render(string path, IReadOnlyDictionary<string, object?> row) =>
        _templates.ContainsKey(path) ? RenderAt(path, row, null).Trim() : null;

    public string RenderText(IReadOnlyDictionary<string, object?> row) => TextCut.ToLimit(RenderAt("text", row, MrkdwnEncoder.Instance), MaxText);

    public JsonArray? RenderBlocks(IReadOnlyDictionary<string, object?> row) =>
        _options.TryGetProperty("blocks", out var blocks) ? (JsonArray)RenderNode(blocks, "blocks", mrkdwn: false, row)! : null;

    private JsonNode? RenderNode(JsonElement element, string path, bool mrkdwn, IReadOnlyDictionary<string, object?> row)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var isMrkdwn = element.TryGetProperty("type", out var type) && type.ValueEquals("mrkdwn");
                var result = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    result[property.Name] = RenderNode(property.Value, $"{path}.{property.Name}", isMrkdwn, row);
                }

                return result;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select((item, i) => RenderNode(item, $"{path}[{i}]", false, row)).ToArray());
            case JsonValueKind.String:
                var text = RenderAt(path, row, mrkdwn ? MrkdwnEncoder.Instance : null);
                return JsonValue.Create(TextCut.ToLimit(text, MaxBlockText));
            default:
                return JsonNode.Parse(element.GetRawText());
        }
    }

    /// <summary>The preview <paramref name="build"/> makes, or the reason the record would be rejected.</summary>
    public static JsonNode OrRejected(Func<JsonNode> build)
    {
        try
        {
            return build();
        }
        catch (TemplateRenderException ex)
        {
            return new JsonObject { ["rejected"] = ex.Message };
        }
    }

    // A name the template reads that the row lacks rejects the record; the message says which template.
    private string RenderAt(string path, IReadOnlyDictionary<string, object?> row, TextEncoder? encoder)
    {
        try
        {
            return _templates[path].Render(row, encoder);
        }
        catch (TemplateRenderException ex) when (ex.TemplatePath is null)
        {
            throw ex.At(path);
        }
    }

    private static void Collect(JsonElement element, string path, ITemplateCompiler compiler, Dictionary<string, ITemplate> templates, List<ConfigProblem> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", compiler, templates, problems);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, $"{path}[{i++}]", compiler, templates, problems);
                }

                break;
            case JsonValueKind.String:
                if (compiler.TryCompile(element.GetString()!, out var template, out var problem))
                {
                    templates[path] = template;
                }
                else
                {
                    problems.Add(new ConfigProblem(path, problem));
                }

                break;
        }
    }
}
