using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>The <c>snowflake</c> section's checks beyond its schema: the account, one credential, and a key that can be read.</summary>
internal static class SnowflakeOptionsValidator
{
    /// <summary>Every problem of the connection, none when it is valid.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(SnowflakeOptions options)
    {
        var problems = new List<ConfigProblem>();
        if (options.Account.Length == 0)
        {
            problems.Add(new ConfigProblem("account", "is empty; set it, e.g. account: ${SNOWFLAKE_ACCOUNT} (myorg-myaccount)"));
        }

        if ((options.PrivateKeyPath is null) == (options.Token is null))
        {
            problems.Add(new ConfigProblem("private_key_path", "set private_key_path (key-pair JWT, with user) or token (programmatic access or OAuth token), one of the two"));
        }
        else if (options.PrivateKeyPath is { } key && (!File.Exists(key) || options.User is null))
        {
            problems.Add(new ConfigProblem("private_key_path", File.Exists(key) ? "key-pair authentication needs 'user'" : $"'{key}' does not exist"));
        }
        else if (options.PrivateKeyPath is not null && KeyProblem(options) is { } unreadable)
        {
            problems.Add(unreadable);
        }

        return problems;
    }

    // The key is read once here so that a wrong passphrase or a damaged file is reported before any run.
    private static ConfigProblem? KeyProblem(SnowflakeOptions options)
    {
        try
        {
            SnowflakeKeyPairToken.LoadKey(options).Dispose();
            return null;
        }
        catch (WarehouseException ex)
        {
            return new ConfigProblem("private_key_path", ex.Message);
        }
    }
}
