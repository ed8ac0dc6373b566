using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>The payload fields an <c>intercom</c> section names (role and event_name are values, tags are tag names).</summary>
internal static class IntercomFieldReferences
{
    private static readonly string[] FieldKeys = ["external_id", "email", "name", "user_id", "created_at"];

    public static IReadOnlyList<FieldReference> Of(SyncSettings sync)
    {
        var options = IntercomSyncOptions.From(sync, []);
        var references = FieldKeys.Where(k => options.Field(k) is not null).Select(k => new FieldReference(k, options.Field(k)!)).ToList();
        references.AddRange(options.CustomAttributes.Select((f, i) => new FieldReference($"custom_attributes[{i}]", f)));
        references.AddRange(options.Metadata.Select((f, i) => new FieldReference($"metadata[{i}]", f)));
        if (options.Company is { } company)
        {
            references.Add(new FieldReference("company.company_id", company.CompanyId));
            references.AddRange(company.Name is { } name ? [new FieldReference("company.name", name)] : []);
            references.AddRange(company.CustomAttributes.Select((f, i) => new FieldReference($"company.custom_attributes[{i}]", f)));
        }

        return references;
    }
}
