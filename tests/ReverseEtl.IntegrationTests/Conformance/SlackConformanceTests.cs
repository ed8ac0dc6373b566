using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Slack chat.postMessage to a channel: one message per record; posts are not idempotent, so a timed-out post waits for the next run.</summary>
public sealed class SlackConformanceTests : DestinationConformanceTests
{
    private const string Post = "/api/chat.postMessage";
    private const string PostOk = """{"ok":true,"channel":"C0123ABCDE","ts":"1747728000.000100","message":{"type":"message","text":"x","user":"U0BOT","ts":"1747728000.000100"}}""";

    protected override string WritePath => Post;

    protected override int MaxBatchSize => 1;

    protected override bool RepeatsAfterTimeout => false;

    protected override string AuthError =>
        "Slack connection 'dest': chat.postMessage was refused with 'invalid_auth' (the bot token needs the scopes chat:write, users:read.email and im:write); check the connection's token (written in the YAML)";

    protected override (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds) => (
        $$"""slack: { token: xoxb-test, base_url: "{{baseUrl}}/api", timeout_seconds: {{timeoutSeconds}} }""",
        """
        mode: trigger
        trigger: { when: "days_in_stage >= 0", initial: send }
        slack: { channel: C0123ABCDE, text: "{{ row.account_name }} ({{ row.account_id }})" }
        """);

    protected override void AnswerSuccess()
    {
        Server.Given(Request.Create().WithPath(Post).UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(200, PostOk));
        // A post of unknown outcome is looked for in the channel's history before it is posted again: here it never arrived.
        Server.Given(Request.Create().WithPath("/api/conversations.history").UsingGet()).AtPriority(100)
            .RespondWith(WireMockJson.Fixed(200, """{"ok":true,"messages":[],"has_more":false,"pin_count":0}"""));
    }

    protected override IResponseBuilder RateLimited() =>
        WireMockJson.Fixed(429, """{"ok":false,"error":"ratelimited"}""").WithHeader("Retry-After", "1");

    protected override IResponseBuilder AuthRefused() => WireMockJson.Fixed(200, """{"ok":false,"error":"invalid_auth"}""");

    protected override string RejectionText => "chat.postMessage: channel_not_found";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath(Post).UsingPost().WithBody(new WildcardMatcher($"*{key}*"))).AtPriority(50)
            .RespondWith(WireMockJson.Fixed(200, """{"ok":false,"error":"channel_not_found"}"""));

    protected override int RecordsIn(ILogEntry request) => 1;

    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        SlackContract.ValidateRequest("chat.postMessage", request.RequestMessage!.Body!);
}
