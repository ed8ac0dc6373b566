using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Key-pair JWT for the SQL API: RS256 with the user's private key; <c>iss</c> = ACCOUNT.USER.SHA256:fingerprint of
/// the public key, <c>sub</c> = ACCOUNT.USER; valid 59 minutes and renewed after 54. The account is normalised as
/// Snowflake's drivers do: without <c>.global</c>, cut at the first '.', else at the first '-'; upper case. Signed by
/// <see cref="JsonWebTokenHandler"/>; the times come from the <see cref="TimeProvider"/>, and no other claim is added.
/// </summary>
internal sealed class SnowflakeKeyPairToken(SnowflakeOptions options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(59);
    private static readonly TimeSpan Renewal = TimeSpan.FromMinutes(54);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly Lock _gate = new();
    private RSA? _key;
    private (string Token, DateTimeOffset IssuedAt)? _current;

    public static string AccountName(string account)
    {
        var cut = account.Contains(".global", StringComparison.OrdinalIgnoreCase) ? account.IndexOf('-', StringComparison.Ordinal) : account.IndexOf('.', StringComparison.Ordinal);
        return (cut > 0 ? account[..cut] : account).ToUpperInvariant();
    }

    public static string Fingerprint(RSA key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>The current token; a new one when there is none, it is older than 54 minutes, or <paramref name="renew"/>.</summary>
    public string Get(bool renew = false)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (renew || _current is not { } current || now - current.IssuedAt >= Renewal)
            {
                _current = (Create(now), now);
            }

            return _current.Value.Token;
        }
    }

    public void Dispose() => _key?.Dispose();

    /// <summary>Snowflake's key pairs are 2048-bit at least, and the JWT library refuses to sign with a shorter RSA key.</summary>
    internal const int MinimumKeyBits = 2048;

    // An unencrypted PKCS#8 (or PKCS#1) PEM, or an encrypted PKCS#8 PEM with its passphrase.
    internal static RSA LoadKey(SnowflakeOptions options)
    {
        var key = RSA.Create();
        try
        {
            var pem = File.ReadAllText(options.PrivateKeyPath!);
            if (options.PrivateKeyPassphrase is { } passphrase)
            {
                key.ImportFromEncryptedPem(pem, passphrase);
            }
            else
            {
                key.ImportFromPem(pem);
            }

            if (key.KeySize < MinimumKeyBits)
            {
                key.Dispose();
                throw new ReverseEtl.Abstractions.WarehouseException(
                    $"The Snowflake private key '{options.PrivateKeyPath}' is a {key.KeySize}-bit key; key-pair authentication needs an RSA key of at least {MinimumKeyBits} bits");
            }

            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException)
        {
            key.Dispose();
            var hint = options.PrivateKeyPassphrase is null ? " (an encrypted key needs private_key_passphrase)" : string.Empty;
            throw new ReverseEtl.Abstractions.WarehouseException($"The Snowflake private key '{options.PrivateKeyPath}' could not be read{hint}: {ex.Message}", ex);
        }
    }

    private string Create(DateTimeOffset now)
    {
        _key ??= LoadKey(options);
        var subject = $"{AccountName(options.Account)}.{options.User!.ToUpperInvariant()}";
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"{subject}.{Fingerprint(_key)}",
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject },
            IssuedAt = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = Signing(_key),
        });
    }

    // No cached signature provider: a cached one would outlive this key, which is disposed with the warehouse.
    private static SigningCredentials Signing(RSA key) => new(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256)
    {
        CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
    };
}
