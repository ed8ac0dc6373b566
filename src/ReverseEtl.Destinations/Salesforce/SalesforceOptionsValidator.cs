using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>The <c>salesforce</c> sections' checks beyond their schema.</summary>
internal static class SalesforceOptionsValidator
{
    /// <summary>Every problem of the connection, none when it is valid: a <c>client_id</c> needs one flow's credentials.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(SalesforceConnectionOptions options)
    {
        var problems = new List<ConfigProblem>();
        if (options.ClientId is null)
        {
            return problems; // a dry run
        }

        if (options.ClientSecret is null && options.PrivateKeyPath is null)
        {
            problems.Add(new ConfigProblem("client_id", "set client_secret (client credentials flow) or private_key_path and username (JWT bearer flow)"));
        }

        if (options.PrivateKeyPath is { } key && !File.Exists(key))
        {
            problems.Add(new ConfigProblem("private_key_path", $"'{key}' does not exist"));
        }

        if (options.PrivateKeyPath is not null && options.Username is null)
        {
            problems.Add(new ConfigProblem("username", "the JWT bearer flow needs the username the connected app acts as"));
        }

        return problems;
    }

    /// <summary>Every problem of a sync's section, none when it is valid: the sObject and its external id field.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(SalesforceSyncOptions options) =>
        options.SObject.Length == 0 || options.ExternalIdField.Length == 0
            ? [new ConfigProblem(options.SObject.Length == 0 ? "sobject" : "external_id_field", "name the sObject and its external id field, e.g. sobject: Account, external_id_field: Product_Account_Id__c")]
            : [];
}
