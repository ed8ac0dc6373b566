using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Creates the custom data attributes a sync writes when Intercom lacks them, once per writer, before the first record:
/// values cannot be written to an attribute that does not exist. The type comes from the first record's value.
/// </summary>
internal sealed class IntercomAttributes(string connection, IIntercomApi api, IntercomSyncOptions options)
{
    private bool _ready;

    public async Task EnsureAsync(IReadOnlyDictionary<string, object?> sample, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await EnsureModelAsync("contact", options.CustomAttributes, sample, cancellationToken);
        await EnsureModelAsync("company", options.Company?.CustomAttributes ?? [], sample, cancellationToken);
        _ready = true;
    }

    private async Task EnsureModelAsync(string model, IReadOnlyList<string> names, IReadOnlyDictionary<string, object?> sample, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var listed = await api.ListDataAttributesAsync(model, cancellationToken).ReceivedAsync("Intercom", connection);
        if (!listed.IsSuccessStatusCode)
        {
            Fail(model, listed);
        }

        var existing = (listed.Content?.Data ?? []).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !existing.Contains(n)))
        {
            var attribute = new IntercomDataAttribute(name, model, IntercomValues.DataType(sample.GetValueOrDefault(name)));
            var created = await api.CreateDataAttributeAsync(attribute, cancellationToken).ReceivedAsync("Intercom", connection);
            // "You already have 'x' in your … data": another writer created it first, which is what was wanted.
            if (!created.IsSuccessStatusCode && !IntercomErrors.Describe(created).Contains("already have", StringComparison.OrdinalIgnoreCase))
            {
                Fail(model, created);
            }
        }
    }

    private void Fail(string model, Refit.IApiResponse response)
    {
        if (response.Status() is 401 or 403)
        {
            IntercomErrors.Reject(connection, "manage data attributes", response); // throws the credential error
        }

        throw new DestinationException($"Intercom connection '{connection}': the {model} data attributes could not be read or created: {IntercomErrors.Describe(response)} (HTTP {response.Status()})");
    }
}
