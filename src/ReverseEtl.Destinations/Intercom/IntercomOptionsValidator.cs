using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>The <c>intercom</c> sections' checks beyond their schema: which keys each object and mode needs.</summary>
internal static class IntercomOptionsValidator
{
    /// <summary>Every problem of a sync's section, none when it is valid.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(IntercomSyncOptions o, SyncMode mode)
    {
        var problems = new List<ConfigProblem>();
        var (needs, modeOk) = o.Kind switch
        {
            IntercomObjectKind.Contacts => (new[] { "external_id" }, mode == SyncMode.Upsert),
            _ => (new[] { "event_name", "user_id", "created_at" }, mode == SyncMode.Trigger),
        };
        var objectName = o.Kind.ToString().ToLowerInvariant();
        if (!modeOk)
        {
            problems.Add(new ConfigProblem("object", $"{objectName} are written with mode '{(o.Kind == IntercomObjectKind.Events ? "trigger" : "upsert")}', not '{mode.Name()}'"));
        }

        problems.AddRange(needs.Where(k => o.Field(k) is null).Select(k => new ConfigProblem(k, $"{objectName} need '{k}' (the payload field that holds it)")));
        if (o.Metadata.Count > 10)
        {
            problems.Add(new ConfigProblem("metadata", $"Intercom keeps at most 10 metadata keys per event; {o.Metadata.Count} are listed"));
        }

        if (o.Company is { CompanyId.Length: 0 })
        {
            problems.Add(new ConfigProblem("company.company_id", "the company needs 'company_id' (the payload field that holds it)"));
        }

        return problems;
    }
}
