using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ReverseEtl.Core.Definitions;

/// <summary>Checks a parsed file against the shipped JSON Schema and words each violation for the person who wrote the file.</summary>
public sealed partial class SchemaValidator
{
    private readonly JsonSchema _schema;

    private static readonly Lazy<SchemaValidator> Embedded = new(Load);

    private SchemaValidator(JsonSchema schema) => _schema = schema;

    /// <summary>The embedded schema, loaded once per process (an error loading it is thrown to each caller).</summary>
    public static SchemaValidator Shared => Embedded.Value;

    /// <summary>
    /// Starts loading <see cref="Shared"/> on the thread pool, so that reading the config files does not wait for it
    /// (about a fifth of a short command's start-up, on an otherwise idle core).
    /// </summary>
    public static void StartLoading() => _ = Task.Run(() => Embedded.Value);

    /// <summary>Loads the schema embedded in this assembly (the same file as config/reverse-etl.schema.json).</summary>
    public static SchemaValidator Load()
    {
        using var stream = typeof(SchemaValidator).Assembly.GetManifestResourceStream("reverse-etl.schema.json")
            ?? throw new InvalidOperationException("The embedded reverse-etl.schema.json is missing from ReverseEtl.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new SchemaValidator(JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult());
    }

    /// <summary>Adds one error per violation in <paramref name="root"/> to <paramref name="errors"/>; returns whether there were none.</summary>
    public bool Validate(JsonNode root, SourceMap map, ICollection<DefinitionError> errors)
    {
        var before = errors.Count;
        foreach (var error in Flatten(_schema.Validate(root.ToJsonString())))
        {
            errors.Add(Describe(error, map));
        }

        return errors.Count == before;
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(error => error switch
        {
            ChildSchemaValidationError { Errors.Count: > 0 } child => Flatten(child.Errors.SelectMany(pair => pair.Value)),
            MultiTypeValidationError multi when TypeOfTheValue(multi) is { } own => Flatten(own),
            _ => [error],
        });

    // A value allowed several types fails each; when it is of one of them (no '... expected' among that type's errors),
    // only that type's complaints are worth telling ('[]': needs an item, not 'must be an array or a string').
    private static ICollection<ValidationError>? TypeOfTheValue(MultiTypeValidationError error) =>
        error.Errors.Values.FirstOrDefault(errors => !errors.Any(e => TypeExpected.Contains(e.Kind)));

    private static readonly HashSet<ValidationErrorKind> TypeExpected =
    [
        ValidationErrorKind.StringExpected, ValidationErrorKind.NumberExpected, ValidationErrorKind.IntegerExpected,
        ValidationErrorKind.BooleanExpected, ValidationErrorKind.ArrayExpected, ValidationErrorKind.ObjectExpected,
        ValidationErrorKind.NullExpected,
    ];

    private static DefinitionError Describe(ValidationError error, SourceMap map)
    {
        var path = PathOf(error);
        var raw = map.RawAt(path);
        var shown = raw is null ? "this value" : $"'{raw}'";
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                new(map.KeyAt(path), path, $"unknown key '{error.Property}'; expected one of: {AllowedKeys(error)}"),
            ValidationErrorKind.PropertyRequired =>
                new(map.ValueAt(path), path, $"missing required key '{error.Property}'"),
            ValidationErrorKind.NotInEnumeration =>
                new(map.ValueAt(path), path, $"{shown} is not allowed; expected one of: {string.Join(", ", error.Schema.Enumeration)}"),
            ValidationErrorKind.TooFewProperties or ValidationErrorKind.TooManyProperties =>
                new(map.ValueAt(path), path, $"needs exactly one key naming its type; expected one of: {string.Join(", ", error.Schema.ActualProperties.Keys)}"),
            _ => new(map.ValueAt(path), path, $"{shown} {Wording(error)}"),
        };
    }

    private static string AllowedKeys(ValidationError error)
    {
        var keys = error.Schema?.ActualSchema.ActualProperties.Keys ?? [];
        return string.Join(", ", keys);
    }

    private static string Wording(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.StringExpected => "must be text",
        ValidationErrorKind.IntegerExpected => "must be a whole number",
        ValidationErrorKind.NumberExpected => "must be a number",
        ValidationErrorKind.BooleanExpected => "must be true or false",
        ValidationErrorKind.ArrayExpected => "must be a list",
        ValidationErrorKind.ObjectExpected => "must be a mapping of keys to values",
        ValidationErrorKind.NullExpected => "must be empty",
        ValidationErrorKind.NoTypeValidates => $"must be one of these types: {error.Schema.Type.ToString().ToLowerInvariant()}",
        ValidationErrorKind.StringTooShort => "must not be empty",
        ValidationErrorKind.TooFewItems => $"needs at least {error.Schema.MinItems} item(s)",
        ValidationErrorKind.TooManyItems => $"may have at most {error.Schema.MaxItems} item(s)",
        ValidationErrorKind.ItemsNotUnique => "lists an item more than once",
        ValidationErrorKind.NumberTooSmall => $"must be at least {error.Schema.Minimum?.ToString(CultureInfo.InvariantCulture)}",
        ValidationErrorKind.NumberTooBig => $"must be at most {error.Schema.Maximum?.ToString(CultureInfo.InvariantCulture)}",
        _ => $"is not valid ({error.Kind})",
    };
}
