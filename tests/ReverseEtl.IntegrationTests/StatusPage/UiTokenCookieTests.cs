using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Worker.StatusPage;

namespace ReverseEtl.IntegrationTests.StatusPage;

/// <summary>The status page's cookie: signed with the token, checked on the server, good for twelve hours only.</summary>
public sealed class UiTokenCookieTests
{
    private const string Token = "s3cret+ui/token=&%0123456789-Zoë";

    [Fact]
    public void Cookie_GoodUntilTwelveHoursThenRefused_WhateverTheBrowserKeeps()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var gate = new UiToken(Token, time);
        var cookie = gate.IssueCookie();

        var fresh = gate.Valid(cookie);
        time.Advance(UiToken.CookieLife - TimeSpan.FromSeconds(1));
        var lastSecond = gate.Valid(cookie);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);
        Assert.Equal((true, true, false), (fresh, lastSecond, gate.Valid(cookie)));
    }

    [Fact]
    public void Cookie_AnotherTokensOrWithItsTimeMoved_Refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var gate = new UiToken(Token, time);
        var cookie = gate.IssueCookie();
        var (issued, mac) = (cookie[..cookie.IndexOf('.', StringComparison.Ordinal)], cookie[(cookie.IndexOf('.', StringComparison.Ordinal) + 1)..]);

        Assert.False(new UiToken(Token + "x", time).Valid(cookie)); // a new token voids every cookie
        Assert.False(gate.Valid($"{long.Parse(issued, System.Globalization.CultureInfo.InvariantCulture) + 3600}.{mac}")); // a later time with the old signature
        Assert.False(gate.Valid($"{issued}.{mac.ToLowerInvariant()}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("abc.def")]
    [InlineData("1764489600")]
    [InlineData("-5.00")]
    [InlineData("99999999999999999999999.00")]
    [InlineData("1764489600.")]
    [InlineData("s3cret+ui/token=&%0123456789-Zoë")]
    public void Cookie_NotOneThisServerIssued_Refused(string cookie) =>
        Assert.False(new UiToken(Token, new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero))).Valid(cookie));
}
