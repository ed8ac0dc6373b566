using System.Text;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ReverseEtl.Core.Definitions;

/// <summary>Checks a parsed file against the shipped JSON Schema and words each violation for the person who wrote the file.</summary>
public sealed partial class SchemaValidator
{
    private static readonly Lazy<SchemaValidator> Embedded = new(Load);

    private readonly JsonSchema _schema;

    // One set of options for every evaluation, taken in turn: JsonSchema.Net 7.4 keeps in them what it built of the
    // schema for an evaluation (about 8 times the CPU of a file to build again each time), and an evaluation under way
    // on another thread with the same options can make it answer 'valid' for an invalid file (json-everything#929).
    private readonly EvaluationOptions _options = new() { OutputFormat = OutputFormat.Hierarchical };
    private readonly Lock _turn = new();

    // The schema as JSON, where each failed keyword's value is read for its message (JsonSchema.Net words its own).
    private readonly JsonNode _document;

    private SchemaValidator(JsonSchema schema, JsonNode document) => (_schema, _document) = (schema, document);

    /// <summary>The embedded schema, loaded once per process (an error loading it is thrown to each caller).</summary>
    public static SchemaValidator Shared => Embedded.Value;

    /// <summary>
    /// Starts loading <see cref="Shared"/> on the thread pool, so that reading the config files does not wait for it
    /// (part of a short command's start-up, on an otherwise idle core).
    /// </summary>
    public static void StartLoading() => _ = Task.Run(() => Embedded.Value.Validate(new JsonObject { ["version"] = 1 }, new SourceMap(string.Empty), []));

    /// <summary>Loads the schema embedded in this assembly (the same file as config/reverse-etl.schema.json).</summary>
    public static SchemaValidator Load()
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("reverse-etl.schema.json")
            ?? throw new InvalidOperationException("The embedded reverse-etl.schema.json is missing from ReverseEtl.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        return new SchemaValidator(JsonSchema.FromText(text), JsonNode.Parse(text)!);
    }

    /// <summary>Adds one error per violation in <paramref name="root"/> to <paramref name="errors"/>; returns whether there were none.</summary>
    public bool Validate(JsonNode root, SourceMap map, ICollection<DefinitionError> errors)
    {
        List<DefinitionError> found;
        lock (_turn)
        {
            var results = _schema.Evaluate(root, _options);
            found = results.IsValid ? [] : [.. Failures(results).SelectMany(failure => Describe(failure, root, map)).Distinct()];
        }

        foreach (var error in found.OrderBy(e => e.Location.Line).ThenBy(e => e.Location.Column))
        {
            errors.Add(error);
        }

        return found.Count == 0;
    }

    // One keyword that failed, at the node of the evaluation that holds it.
    private readonly record struct Failure(EvaluationResults Node, string Keyword);

    // The keywords that failed, in a tree walked from the root. A name checked by propertyNames is left to the
    // definitions' own check, which words it. Of a oneOf's forms, only those of the value's type are worth telling
    // (a mapping missing 'label': not also 'must be text'); when the value is of none of them, its types are told.
    private IEnumerable<Failure> Failures(EvaluationResults node)
    {
        if (node.IsValid || LastSegment(node.EvaluationPath) == "propertyNames")
        {
            return [];
        }

        var children = node.Details ?? [];
        var forms = children.Where(IsForm).ToList();
        var errors = node.Errors ?? new Dictionary<string, string>();
        var own = errors.ContainsKey("type")
            ? [new Failure(node, "type")] // a value of the wrong type is told that alone, not also 'not one of: 1'
            : errors.Where(error => forms.Count == 0 || error.Key is not ("oneOf" or "anyOf")) // told by FormFailures
                .Select(error => new Failure(node, error.Key));
        var inner = children.Except(forms).SelectMany(Failures);
        return own.Concat(inner).Concat(forms.Count == 0 ? [] : FormFailures(node, forms));
    }

    private IEnumerable<Failure> FormFailures(EvaluationResults node, List<EvaluationResults> forms)
    {
        if (forms.Any(form => form.IsValid))
        {
            // Fits a form: a oneOf's value fits more than one, or it is some other keyword that failed here.
            return node.Errors?.ContainsKey("oneOf") == true ? [new Failure(node, "oneOf")] : [];
        }

        var ofItsType = forms.Where(form => !WrongType(form, form.InstanceLocation)).ToList();
        return ofItsType.Count > 0 ? ofItsType.SelectMany(Failures) : [new Failure(node, OfNoFormsType)];
    }

    // Not a keyword: the value is of none of the types of its forms.
    private const string OfNoFormsType = "(forms)";

    private static bool IsForm(EvaluationResults child) =>
        child.EvaluationPath.Count >= 2 && SegmentAt(child.EvaluationPath, ^2) is "oneOf" or "anyOf";

    // Whether the value at the form's own location is not of the form's type (a '$ref' keeps the location).
    private static bool WrongType(EvaluationResults node, Json.Pointer.JsonPointer at) =>
        node.InstanceLocation.Equals(at)
        && ((node.Errors?.ContainsKey("type") ?? false) || (node.Errors?.ContainsKey(string.Empty) ?? false)
            || (node.Details ?? []).Any(child => WrongType(child, at)));
}
