using System.Net;

namespace ReverseEtl.IntegrationTests.StatusPage;

/// <summary>The worker's port as a process serves it: health always open, the status page only with RETL_UI_TOKEN and only to its token.</summary>
public sealed class StatusPageEndpointTests
{
    private const string Token = "s3cret+ui/token=&%0123456789";

    [Fact]
    public async Task Port_NoUiToken_HealthAnswersAndStatusPageIsNotThere()
    {
        await using var worker = await PageWorker.StartAsync(uiToken: null);
        using var http = Client(worker);

        using var live = await http.GetAsync("/healthz/live");
        using var page = await http.GetAsync("/status");
        using var root = await http.GetAsync("/");
        using var unknown = await http.GetAsync("/healthz/nothing");

        Assert.Equal((HttpStatusCode.OK, "Healthy\n"), (live.StatusCode, await live.Content.ReadAsStringAsync()));
        Assert.Equal("text/plain; charset=utf-8", live.Content.Headers.ContentType?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "not found\n"), (unknown.StatusCode, await unknown.Content.ReadAsStringAsync()));
        await worker.Process.WaitUntilAsync(() => Ready(http));
        using var ready = await http.GetAsync("/healthz/ready/");
        Assert.Equal("Healthy\nscheduler: Healthy \nstate: Healthy \n", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StatusPage_WrongOrMissingToken_401SayingNothingElse()
    {
        await using var worker = await PageWorker.StartAsync(Token);
        using var http = Client(worker);

        using var missing = await http.GetAsync("/status");
        using var wrongBearer = await Send(http, "/status", bearer: Token + "x");
        using var wrongQuery = await http.GetAsync("/status?token=" + Uri.EscapeDataString(Token[..^1]));
        using var forgedCookie = await Send(http, "/status", cookie: "retl_ui=" + Token);
        using var health = await http.GetAsync("/healthz/live");

        foreach (var answer in new[] { missing, wrongBearer, wrongQuery, forgedCookie })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Equal("Bearer", answer.Headers.WwwAuthenticate.Single().Scheme);
            Assert.False(answer.Headers.Contains("Set-Cookie"));
            var body = await answer.Content.ReadAsStringAsync();
            Assert.Equal("The status page needs the token set in RETL_UI_TOKEN: send it as 'Authorization: Bearer <token>', or open /status?token=<token> once in a browser.\n", body);
        }

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task StatusPage_TokenAsBearerOrCookieFromQuery_200WithThePageAndNoTokenInLogs()
    {
        await using var worker = await PageWorker.StartAsync(Token);
        using var http = Client(worker);

        using var bearer = await Send(http, "/status", bearer: Token);
        using var login = await http.GetAsync("/status?token=" + Uri.EscapeDataString(Token));
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        using var withCookie = await Send(http, "/status", cookie: cookie.Split(';')[0]);

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal("text/html; charset=utf-8", bearer.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("default-src 'none';", bearer.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await bearer.Content.ReadAsStringAsync();
        Assert.Contains("<h2 id=\"syncs\">Syncs</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-sync=\"stagnant-onboarding-alerts\">", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cohort-curves\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Redirect, "/status"), (login.StatusCode, login.Headers.Location?.OriginalString));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Uri.EscapeDataString(Token), cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        Assert.DoesNotContain(worker.Process.Logs.Select(l => l.ToJsonString()).Concat(worker.Process.Text), l => l.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_PortAndTokenSet_OpensNoPort()
    {
        await using var project = new TestProject().WithShippedConfig();
        var environment = new Dictionary<string, string> { ["RETL_HEALTH_PORT"] = "18432", ["RETL_UI_TOKEN"] = Token };
        await using var worker = new Hosting.WorkerProcess(project, environment, "run", "--once", "--sync", "partner-co-onboarding");

        await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(90));

        Assert.Empty(worker.Events(3010));
        Assert.DoesNotContain(worker.Logs, l => l["Category"]?.GetValue<string>() is { } category && category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    private static HttpClient Client(PageWorker worker) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = worker.Base, Timeout = TimeSpan.FromSeconds(60) };

    private static Task<HttpResponseMessage> Send(HttpClient http, string path, string? bearer = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return http.SendAsync(request);
    }

    private static bool Ready(HttpClient http)
    {
        using var answer = http.GetAsync("/healthz/ready").GetAwaiter().GetResult();
        return answer.StatusCode == HttpStatusCode.OK;
    }
}
