using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// The status page's token (<c>RETL_UI_TOKEN</c>): a request carries it as <c>Authorization: Bearer</c>, or carries the
/// HttpOnly cookie that <c>?token=</c> sets for a browser. The cookie holds when it was issued and an HMAC of that
/// time keyed by the token, never the token: the server checks both, so a cookie is good for <see cref="CookieLife"/>
/// only, even if its browser keeps it longer, and a new token voids every cookie. Every comparison is in constant time.
/// </summary>
internal sealed class UiToken(string token, TimeProvider time)
{
    public const string CookieName = "retl_ui";

    /// <summary>How long a cookie opens the page.</summary>
    public static readonly TimeSpan CookieLife = TimeSpan.FromHours(12);

    private readonly byte[] _token = SHA256.HashData(Encoding.UTF8.GetBytes($"retl-ui-token:{token}"));
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes($"retl-ui-cookie-key:{token}"));

    /// <summary>A new cookie's value: <c>ISSUED.HMAC</c>, the issue time in Unix seconds and its HMAC.</summary>
    public string IssueCookie()
    {
        var issued = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{issued}.{Convert.ToHexString(Sign(issued))}";
    }

    /// <summary>Whether <paramref name="candidate"/> is the token.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes($"retl-ui-token:{candidate}")), _token);

    /// <summary>Whether the request carries the token as a bearer token, or a cookie this token issued less than <see cref="CookieLife"/> ago.</summary>
    public bool Allows(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(authorization["Bearer ".Length..].Trim());
        }

        return request.Cookies[CookieName] is { } cookie && Valid(cookie);
    }

    /// <summary>Whether a cookie's value was signed with this token and is still young enough.</summary>
    public bool Valid(string cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cookie.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var signed = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie[(dot + 1)..]), Encoding.ASCII.GetBytes(Convert.ToHexString(Sign(cookie[..dot]))));
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        return signed && age >= TimeSpan.FromMinutes(-1) && age < CookieLife;
    }

    private byte[] Sign(string issued) => HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"retl-ui-cookie:{issued}"));
}
