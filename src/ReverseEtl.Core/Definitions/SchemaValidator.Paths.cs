using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;

namespace ReverseEtl.Core.Definitions;

// Where a violation is, as the dotted path a SourceMap knows.
public sealed partial class SchemaValidator
{
    // Where the error is: the value checked, or for a missing key the mapping that lacks it. Taken from the token, walked up
    // to the root with each key as written: NJsonSchema's path joins some keys with '.' as they are ('x[y') and lets
    // Newtonsoft escape others (['it\'s']), so it can't always be read back.
    private static string PathOf(ValidationError error) => error switch
    {
        { Token: { } token } => PathOf(token),
        { Kind: ValidationErrorKind.PropertyRequired } => ConfigPath.Parent(ToPath(error.Path)),
        _ => ToPath(error.Path),
    };

    private static string PathOf(JToken? token) => token switch
    {
        JProperty property => ConfigPath.Child(PathOf(property.Parent), property.Name),
        { Parent: JProperty property } => PathOf(property),
        { Parent: JArray array } => ConfigPath.Item(PathOf(array), array.IndexOf(token)),
        _ => string.Empty,
    };

    /// <summary>Turns NJsonSchema's <c>#/syncs['a.b'].blocks[0]</c> into <c>syncs.a.b.blocks[0]</c>.</summary>
    internal static string ToPath(string? schemaPath)
    {
        var text = (schemaPath ?? string.Empty).TrimStart('#').TrimStart('/');
        var path = string.Empty;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '.')
            {
                i++;
            }
            else if (text.AsSpan(i).StartsWith("['"))
            {
                var end = QuoteEnd(text, i + 2);
                path = ConfigPath.Child(path, JToken.Parse(text[(i + 1)..(end + 1)]).Value<string>()!);
                i = end + 2;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                path += text[i..(end + 1)];
                i = end + 1;
            }
            else
            {
                var end = text.IndexOfAny(['.', '['], i);
                end = end < 0 ? text.Length : end;
                path = ConfigPath.Child(path, text[i..end]);
                i = end;
            }
        }

        return path;
    }

    // Newtonsoft writes a key it must bracket as a single-quoted JavaScript string (['it\'s']), which its parser reads back.
    private static int QuoteEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && text[end] != '\'')
        {
            end += text[end] == '\\' ? 2 : 1;
        }

        return end;
    }
}
