using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// Before every run's first send and in <c>validate --live</c>: every payload field the sync writes must be a field of the sObject (describe) that the
/// integration user may set, else Salesforce would reject every record (INVALID_FIELD). Field names are case-insensitive.
/// The describe is kept per sObject for <see cref="VendorFieldCache{T}.Lifetime"/>.
/// </summary>
internal static class SalesforceFieldCheck
{
    public static async Task<FieldCheckResult> CheckAsync(string connection, ISalesforceApi api, SalesforceConnectionOptions options,
        VendorFieldCache<IReadOnlyDictionary<string, SalesforceField>> cache, bool dryRun, SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var sobject = SalesforceSyncOptions.From(sync, []).SObject;
        if (dryRun)
        {
            return FieldCheckResult.Skipped($"dry run: Salesforce connection '{connection}' has no client_id, so the {sobject} fields could not be described");
        }

        var known = await cache.GetAsync(sobject, ct => DescribeAsync(connection, api, options, sobject, ct), cancellationToken);
        var problems = new List<FieldProblem>();
        foreach (var field in fields.Where(f => !string.Equals(f, "Id", StringComparison.OrdinalIgnoreCase)))
        {
            if (!known.TryGetValue(field, out var found))
            {
                problems.Add(new FieldProblem(field, $"Salesforce {sobject} has no field '{field}': create it (custom fields end in __c) and give the integration user access, or fix the mapping"));
            }
            else if (!found.Createable && !found.Updateable)
            {
                problems.Add(new FieldProblem(field, $"Salesforce {sobject} field '{field}' cannot be set by the integration user (neither createable nor updateable): check its field-level security"));
            }
        }

        return new FieldCheckResult(problems);
    }

    private static async Task<IReadOnlyDictionary<string, SalesforceField>> DescribeAsync(string connection, ISalesforceApi api, SalesforceConnectionOptions options,
        string sobject, CancellationToken cancellationToken)
    {
        var described = await api.DescribeAsync(options.ApiVersion, sobject, cancellationToken).ReceivedAsync("Salesforce", connection);
        return described.IsSuccessStatusCode
            ? (described.Content?.Fields ?? []).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase)
            : throw SalesforceErrors.Failure(connection, described);
    }
}
