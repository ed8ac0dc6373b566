using System.Security.Cryptography;
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

        if (options.PrivateKeyPath is { } key)
        {
            problems.AddRange(KeyProblems(key));
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

    // The key is read here, so that a missing, damaged or short key is named before any run: the JWT library refuses
    // to sign with an RSA key under 2048 bits.
    private static IEnumerable<ConfigProblem> KeyProblems(string path)
    {
        if (!File.Exists(path))
        {
            return [new ConfigProblem("private_key_path", $"'{path}' does not exist")];
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException)
        {
            return [new ConfigProblem("private_key_path", $"'{path}' could not be read as an unencrypted RSA private key (PEM): {ex.Message}")];
        }

        return rsa.KeySize >= 2048 ? [] : [new ConfigProblem("private_key_path", $"'{path}' is a {rsa.KeySize}-bit key; the JWT bearer flow needs an RSA key of at least 2048 bits")];
    }
}
