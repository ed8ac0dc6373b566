using System.Globalization;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Tests.Support;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>
/// A whole run against vendors that keep their documented limits on a fake clock, answering with their own headers:
/// Slack's one post a second per channel (channels side by side), Intercom's fixed 10 s windows announced by
/// <c>X-RateLimit-*</c> (the first window's burst used, each reset waited for exactly), and HubSpot's rolling window
/// shared with another client (a 429 holds the whole token until the window has room). Request bodies stay valid.
/// </summary>
public sealed class VendorPaceTests
{
    // 3 s into a 10 s window of the epoch: Intercom's first window has 7 s left.
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 3, TimeSpan.Zero);

    [Fact]
    public async Task Slack_PostsToTwoChannels_EachAtMostOneASecond_NoRateLimitAnswer()
    {
        var clock = Clock();
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using var slack = new PacedVendor(clock, (_, body, now) =>
        {
            var channel = body!["channel"]!.GetValue<string>();
            if (last.TryGetValue(channel, out var before) && now - before < TimeSpan.FromSeconds(1))
            {
                return new PacedAnswer(429, """{"ok":false,"error":"ratelimited"}""", new Dictionary<string, string> { ["Retry-After"] = "1" });
            }

            last[channel] = now;
            var ts = $"1764493203.00010{last.Count}";
            return new PacedAnswer(200, new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = new JsonObject { ["type"] = "message", ["text"] = "x", ["ts"] = ts } }.ToJsonString());
        });
        await using var project = Project(clock, $$"""{ slack: { token: xoxb-test, base_url: "{{slack.Url}}/api" } }""", """
            mode: trigger
            trigger: { when: "true", initial: send }
            limits: { messages: none }
            slack: { channel: "{{ row.channel }}", text: "{{ row.name }} moved ✓" }
            """);

        var report = await clock.RunAsync(project.RunAsync("push"));

        Assert.Equal((RunStatus.Succeeded, 6L), (report.Status, report.Counts.Sent));
        var posts = slack.Requests;
        Assert.All(posts, p => Assert.Equal(200, p.Status));
        Assert.All(posts, p => Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", p.Body!.ToJsonString())));
        // Each channel at most one post a second (its answer counts); the channels side by side is shown on the pace itself
        // (CredentialPaceTests), since this clock moves on whenever the run is busy reading or storing for a moment.
        var byChannel = posts.GroupBy(p => p.Body!["channel"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Select(p => p.At).ToList(), StringComparer.Ordinal);
        Assert.Equal(["C_A", "C_B"], byChannel.Keys.Order(StringComparer.Ordinal));
        Assert.All(byChannel.Values, times => Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1), $"two posts {pair.Second - pair.First} apart")));
    }

    [Fact]
    public async Task Intercom_FollowsTheWindowsItAnnounces_BurstFirstThenEachResetExactly_NoRateLimitAnswer()
    {
        const int limit = 3;
        var clock = Clock();
        var used = new Dictionary<long, int>();
        using var intercom = new PacedVendor(clock, (_, _, now) =>
        {
            var window = now.ToUnixTimeSeconds() / 10;
            var reset = ((window + 1) * 10).ToString(CultureInfo.InvariantCulture);
            var count = used[window] = used.GetValueOrDefault(window) + 1;
            return count > limit
                ? new PacedAnswer(429, """{"type":"error.list","request_id":"r-1","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit of 3 in 10_seconds"}]}""",
                    new Dictionary<string, string> { ["X-RateLimit-Limit"] = "3", ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = reset })
                : new PacedAnswer(202, string.Empty,
                    new Dictionary<string, string> { ["X-RateLimit-Limit"] = "3", ["X-RateLimit-Remaining"] = (limit - count).ToString(CultureInfo.InvariantCulture), ["X-RateLimit-Reset"] = reset });
        });
        await using var project = Project(clock, $$"""{ intercom: { token: t-test, base_url: "{{intercom.Url}}", version: "2.14" } }""", """
            mode: trigger
            trigger: { when: "true", initial: send }
            limits: { messages: none }
            intercom: { object: events, event_name: stage-entered, user_id: id, created_at: entered_at, metadata: [name] }
            """);

        var report = await clock.RunAsync(project.RunAsync("push"));

        Assert.Equal((RunStatus.Succeeded, 6L), (report.Status, report.Counts.Sent));
        Assert.All(intercom.Requests, r => Assert.Equal(202, r.Status));
        // 3 in the 7 s left of the first window, at once; 3 more the moment it resets.
        Assert.Equal([0, 0, 0, 7, 7, 7], intercom.Requests.Select(r => (r.At - Start).TotalSeconds));
        var contract = OpenApiContract.Get("intercom-2.14.yaml");
        Assert.All(intercom.Requests, r => Assert.Empty(contract.ValidateRequest("/events", "post", r.Body!.ToJsonString())));
    }

    [Theory]
    [InlineData(2, "0 200, 10 200")] // the connection's rate_limit is HubSpot's: never a 429
    [InlineData(100, "0 200, 0 429, 10 200")] // it lets more through than HubSpot allows
    public async Task HubSpot_RollingWindow_NeverPassedByThePace_AndA429HoldsTheTokenUntilTheOldestAnswerLeavesIt(int rateLimit, string expected)
    {
        const int vendorLimit = 2;
        var clock = Clock();
        var accepted = new Queue<DateTimeOffset>();
        using var hubSpot = new PacedVendor(clock, (_, body, now) =>
        {
            while (accepted.TryPeek(out var first) && now - first >= TimeSpan.FromSeconds(10))
            {
                accepted.Dequeue();
            }

            if (accepted.Count >= vendorLimit)
            {
                return new PacedAnswer(429, HubSpotAnswers.RateLimited("TEN_SECONDLY_ROLLING")); // no Retry-After, as documented
            }

            accepted.Enqueue(now);
            return new PacedAnswer(200, body is null ? HubSpotAnswers.Properties("companies", "product_account_id") : HubSpotAnswers.Results(body).ToJsonString());
        });
        await using var project = Project(clock, $$"""{ hubspot: { token: pat-test, base_url: "{{hubSpot.Url}}", rate_limit: { requests: {{rateLimit}}, per_seconds: 10 } } }""", """
            mode: upsert
            batch_size: 2
            fields: { product_account_id: id, name: name }
            hubspot: { object: companies, id_property: product_account_id }
            """);

        var report = await clock.RunAsync(project.RunAsync("push"));

        // The properties' read, then the first batch alone, then the second and third side by side. Past the limit, the
        // first 429 holds the token; the other batch, when it was already on its way, meets one too.
        Assert.Equal((RunStatus.Succeeded, 6L), (report.Status, report.Counts.Sent));
        Assert.Equal(expected, string.Join(", ", hubSpot.Requests.Select(r => $"{(r.At - Start).TotalSeconds} {r.Status}").Distinct()));
        Assert.Equal([2, 2], hubSpot.Requests.Where(r => r.Status == 200).GroupBy(r => r.At).Select(g => g.Count()));
        Assert.InRange(hubSpot.Requests.Count(r => r.Status == 429), rateLimit > vendorLimit ? 1 : 0, rateLimit > vendorLimit ? 2 : 0);
        var contract = OpenApiContract.Get("hubspot-crm-companies-v3.json");
        Assert.All(hubSpot.Requests.Where(r => r.Body is not null), r => Assert.Empty(contract.ValidateRequest(HubSpotConformanceTests.Upsert, "post", r.Body!.ToJsonString())));
    }

    // Only one-off waits move it (not the run's progress line, every 10 s), and only once every answer on its way has
    // been read for 50 ms: a 429 still in flight when another batch's wait ends would otherwise be read 10 s late.
    private static WaitingClock Clock() => new(Start) { OneOffWaitsOnly = true, Settle = TimeSpan.FromMilliseconds(50) };

    private static TestProject Project(TimeProvider clock, string connection, string sync)
    {
        var project = new TestProject(clock);
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values
              ('acc_1', 'Zoë 名前', 'C_A', timestamp '2026-11-30 08:00:00'),
              ('acc_2', '', 'C_A', timestamp '2026-11-30 08:00:01'),
              ('acc_3', null, 'C_A', timestamp '2026-11-30 08:00:02'),
              ('acc_4', repeat('long ', 2000), 'C_B', timestamp '2026-11-30 08:00:03'),
              ('acc_5', 'Ünïcode & <tags>', 'C_B', timestamp '2026-11-30 08:00:04'),
              ('acc_6', 'same name', 'C_B', timestamp '2026-11-30 08:00:05')
            ) t(id, name, channel, entered_at);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: {{connection}}
            models:
              accounts: { connection: wh, primary_key: id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
            {{string.Join('\n', sync.Split('\n').Select(l => "    " + l))}}
            """);
    }
}
