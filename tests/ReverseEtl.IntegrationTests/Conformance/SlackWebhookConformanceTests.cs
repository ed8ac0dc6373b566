using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>A Slack incoming webhook: plain-text answers (<c>ok</c>, or an error code), one message per record.</summary>
public sealed class SlackWebhookConformanceTests : DestinationConformanceTests
{
    private const string Hook = "/services/T0001/B0001/XXXXXXXXXXXXXXXX";

    protected override string WritePath => Hook;

    protected override int MaxBatchSize => 1;

    protected override bool RepeatsAfterTimeout => false;

    protected override string AuthError =>
        "Slack webhook connection 'dest': the webhook refused the message with 404 'no_service'; the webhook is revoked, its channel gone or archived, or posting is not allowed; check the connection's url (written in the YAML)";

    protected override (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds) => (
        $$"""slack_webhook: { url: "{{baseUrl}}{{Hook}}", timeout_seconds: {{timeoutSeconds}}, rate_limit: { requests: 100, per_seconds: 1 } }""",
        """
        mode: trigger
        trigger: { when: "days_in_stage >= 0", initial: send }
        slack_webhook: { text: "{{ row.account_name }} ({{ row.account_id }})", blocks: [ { type: section, text: { type: mrkdwn, text: "*{{ row.account_name }}*" } } ] }
        """);

    protected override void AnswerSuccess() =>
        Server.Given(Request.Create().WithPath(Hook).UsingPost()).AtPriority(100).RespondWith(Text(200, "ok"));

    protected override IResponseBuilder RateLimited() => Text(429, "rate_limited").WithHeader("Retry-After", "1");

    protected override IResponseBuilder AuthRefused() => Text(404, "no_service");

    protected override string RejectionText => "webhook: invalid_payload";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath(Hook).UsingPost().WithBody(new WildcardMatcher($"*{key}*"))).AtPriority(50).RespondWith(Text(400, "invalid_payload"));

    protected override int RecordsIn(ILogEntry request) => 1;

    // Slack publishes no schema for webhook bodies; they carry chat.postMessage's text and blocks, so that is checked.
    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        SlackContract.ValidateRequest("chat.postMessage", request.RequestMessage!.Body!.Insert(1, "\"channel\":\"C0123ABCDE\","));

    private static IResponseBuilder Text(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/plain").WithBody(body);
}
