using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// The status page's token (<c>RETL_UI_TOKEN</c>): a request carries it as <c>Authorization: Bearer</c>, or carries the
/// HttpOnly cookie that <c>?token=</c> sets for a browser. The cookie holds a hash of the token, not the token. Every
/// comparison hashes what came and compares hashes in constant time, so neither the length nor a prefix leaks.
/// </summary>
internal sealed class UiToken(string token)
{
    public const string CookieName = "retl_ui";

    private readonly byte[] _token = Hash("token", token);
    private readonly byte[] _cookie = Hash("cookie", token);

    /// <summary>The cookie's value: a hash of the token.</summary>
    public string CookieValue => Convert.ToHexString(_cookie);

    /// <summary>Whether <paramref name="candidate"/> is the token.</summary>
    public bool Matches(string? candidate) => candidate is not null && CryptographicOperations.FixedTimeEquals(Hash("token", candidate), _token);

    /// <summary>Whether the request carries the token as a bearer token, or the cookie.</summary>
    public bool Allows(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(authorization["Bearer ".Length..].Trim());
        }

        return request.Cookies[CookieName] is { } cookie
            && CryptographicOperations.FixedTimeEquals(Hash("cookie-check", cookie), Hash("cookie-check", CookieValue));
    }

    private static byte[] Hash(string purpose, string value) => SHA256.HashData(Encoding.UTF8.GetBytes($"retl-ui-{purpose}:{value}"));
}
