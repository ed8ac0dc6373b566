using System.Collections.Concurrent;
using NSwag;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// An OpenAPI 3 description from the vendor contracts (<see cref="Contracts"/>): request and response bodies checked
/// against an operation's schemas. Without the contracts, every check finds nothing and notes the skip for the test.
/// </summary>
internal sealed class OpenApiContract
{
    private static readonly ConcurrentDictionary<string, OpenApiContract> Loaded = new(StringComparer.Ordinal);
    private readonly OpenApiDocument? _document;

    private OpenApiContract(OpenApiDocument? document) => _document = document;

    public static OpenApiContract Get(string file) => Loaded.GetOrAdd(file, f =>
    {
        if (!Contracts.Available)
        {
            return new OpenApiContract(null);
        }

        var path = Contracts.PathOf(f);
        var document = f.EndsWith(".yaml", StringComparison.Ordinal)
            ? NSwag.OpenApiYamlDocument.FromFileAsync(path).GetAwaiter().GetResult()
            : OpenApiDocument.FromFileAsync(path).GetAwaiter().GetResult();
        return new OpenApiContract(document);
    });

    /// <summary>Every violation of the operation's request schema by <paramref name="json"/>; empty when it conforms.</summary>
    public IReadOnlyList<string> ValidateRequest(string pathTemplate, string method, string json)
    {
        if (_document is null)
        {
            Contracts.NoteSkipped();
            return [];
        }

        var schema = Operation(pathTemplate, method).RequestBody.Content["application/json"].Schema.ActualSchema;
        return schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }

    /// <summary>Every violation of the operation's response schema for <paramref name="status"/>.</summary>
    public IReadOnlyList<string> ValidateResponse(string pathTemplate, string method, string status, string json)
    {
        if (_document is null)
        {
            Contracts.NoteSkipped();
            return [];
        }

        var response = Operation(pathTemplate, method).Responses[status];
        var schema = (response.Content.TryGetValue("application/json", out var media) ? media.Schema : response.Schema).ActualSchema;
        return schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }

    private OpenApiOperation Operation(string pathTemplate, string method) =>
        _document!.Paths.TryGetValue(pathTemplate, out var item) && item.TryGetValue(method, out var operation)
            ? operation
            : throw new KeyNotFoundException($"{method} {pathTemplate} is not in the contract");
}
