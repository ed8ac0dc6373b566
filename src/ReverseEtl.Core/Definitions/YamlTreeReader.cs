using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ReverseEtl.Core.Definitions;

/// <summary>Reads one YAML file into a JSON tree, remembering where every node stood and substituting the environment.</summary>
public sealed partial class YamlTreeReader(EnvironmentSubstitution environment)
{
    /// <summary>Parses <paramref name="text"/>; problems are added to <paramref name="errors"/> and a null tree means it could not be read.</summary>
    public (JsonNode? Root, SourceMap Map) Read(string file, string text, ICollection<DefinitionError> errors)
    {
        var map = new SourceMap(file);
        var stream = new YamlStream();
        var parser = new FlowTrackingParser(text);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            errors.Add(new DefinitionError(Location(file, ex.Start), string.Empty, $"YAML syntax: {OneLine(Innermost(ex).Message)}"));
            return (null, map);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way, with no position, on some flow collections left open.
            errors.Add(Unreadable(file, parser));
            return (null, map);
        }

        if (stream.Documents.Count == 0)
        {
            errors.Add(new DefinitionError(new SourceLocation(file, 1, 1), string.Empty, "the file is empty; it needs at least 'version: 1'"));
            return (null, map);
        }

        if (stream.Documents.Count > 1)
        {
            errors.Add(new DefinitionError(Location(file, stream.Documents[1].RootNode.Start), string.Empty, "one YAML document per file; split the others into their own files"));
        }

        var walker = new Walker(this, map, errors);
        return (walker.Convert(stream.Documents[0].RootNode, string.Empty, null), map);
    }

    private static SourceLocation Location(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private static DefinitionError Unreadable(string file, FlowTrackingParser parser) => parser.InnermostOpenFlow is { } open
        ? new(Location(file, open.Start), string.Empty, $"YAML syntax: this '{open.Bracket}' is not closed by a '{(open.Bracket == '[' ? ']' : '}')}'; close it, or write the value without brackets")
        : new(Location(file, parser.Position), string.Empty, "YAML syntax: the text cannot be read from here on; look for an unclosed '[', '{' or quote before this point");

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static Exception Innermost(Exception ex) => ex.InnerException is YamlException inner ? Innermost(inner) : ex;

    private sealed class Walker(YamlTreeReader reader, SourceMap map, ICollection<DefinitionError> errors)
    {
        public JsonNode? Convert(YamlNode node, string path, SourceLocation? key)
        {
            var at = Location(map.File, node.Start);
            switch (node)
            {
                case YamlMappingNode mapping:
                    // Entries first: an empty key at the top has the root's own path "" and must not take the root's place.
                    var result = ConvertMapping(mapping, path);
                    map.Add(path, key, at, null);
                    return result;
                case YamlSequenceNode sequence:
                    map.Add(path, key, at, null);
                    var array = new JsonArray();
                    for (var i = 0; i < sequence.Children.Count; i++)
                    {
                        array.Add(Convert(sequence.Children[i], ConfigPath.Item(path, i), null));
                    }

                    return array;
                case YamlScalarNode scalar:
                    map.Add(path, key, at, scalar.Value);
                    return reader.ConvertScalar(scalar, path, at, errors);
                default:
                    errors.Add(new DefinitionError(at, path, "unsupported YAML node"));
                    return null;
            }
        }

        private JsonObject ConvertMapping(YamlMappingNode mapping, string path)
        {
            var result = new JsonObject();
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var keyAt = Location(map.File, keyNode.Start);
                if (keyNode is not YamlScalarNode { Value: { } name })
                {
                    errors.Add(new DefinitionError(keyAt, path, "keys must be plain text"));
                    continue;
                }

                var childPath = ConfigPath.Child(path, name);
                if (result.ContainsKey(name))
                {
                    errors.Add(new DefinitionError(keyAt, childPath, $"duplicate key '{name}'"));
                    continue;
                }

                result[name] = Convert(valueNode, childPath, keyAt);
            }

            return result;
        }
    }

    private JsonValue? ConvertScalar(YamlScalarNode scalar, string path, SourceLocation at, ICollection<DefinitionError> errors)
    {
        var text = scalar.Value ?? string.Empty;
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (EnvironmentSubstitution.HasReferences(text))
        {
            if (!environment.TryApply(text, out var substituted, out var missing))
            {
                errors.Add(new DefinitionError(at, path, $"environment variable '{missing}' is not set; set it, or give a default with ${{{missing}:-default}}"));
            }

            return plain ? Resolve(substituted, emptyIsNull: false) : JsonValue.Create(substituted);
        }

        return plain ? Resolve(text, emptyIsNull: true) : JsonValue.Create(text);
    }

    /// <summary>YAML 1.2 core schema: null, booleans, integers and floats for plain scalars; everything else is a string.</summary>
    private static JsonValue? Resolve(string text, bool emptyIsNull)
    {
        if ((emptyIsNull && text.Length == 0) || NullLiteral().IsMatch(text))
        {
            return null;
        }

        if (BoolLiteral().IsMatch(text))
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (IntLiteral().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatLiteral().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^(null|Null|NULL|~)$")]
    private static partial Regex NullLiteral();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BoolLiteral();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntLiteral();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatLiteral();
}
