using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>
/// Dry-run requests sent in a run's turns are answered at once, and their outbox lines written in the order of the
/// turns, whichever request came first; a request outside any turn is written as it comes.
/// </summary>
public sealed class OutboxTurnsTests : IAsyncDisposable
{
    private const string Upsert = "crm/v3/objects/companies/batch/upsert";
    private readonly string _folder = Directory.CreateTempSubdirectory("retl-outbox-turns-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddDestinationHttp(new HubSpotHttpPolicy()).BuildServiceProvider();
    private readonly HttpClient _client;

    public OutboxTurnsTests()
    {
        var target = new DryRunTarget(Outbox, HubSpotDryRun.Respond);
        var connection = new HttpConnection(new HubSpotHttpPolicy(), "crm", "", new RateLimit(1000, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(30), target);
        _client = _services.GetRequiredService<DestinationHttp>().CreateClient(connection, new Uri("https://api.hubapi.com"));
    }

    private string Outbox => Path.Combine(_folder, "hubspot.jsonl");

    [Fact]
    public async Task SendAsync_TheLaterTurnSendsFirst_IsAnsweredAtOnceAndItsLinesFollowTheEarlierTurns()
    {
        var order = new SendOrder();
        var (first, second) = (order.Next(), order.Next());

        var secondAnswers = await SendInTurnAsync(second, "Zoë 🚀", "", "dup", "dup");
        var secondEnded = second.EndAsync();
        Assert.False(File.Exists(Outbox)); // held for the earlier turn, though answered
        Assert.Equal(["Zoë 🚀", "", "dup", "dup"], secondAnswers);

        var firstAnswers = await SendInTurnAsync(first, new string('ж', 5_000), "Café \"q\"\n\t東京");
        await first.EndAsync();
        await secondEnded.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([new string('ж', 5_000), "Café \"q\"\n\t東京"], firstAnswers);
        Assert.Equal([new string('ж', 5_000), "Café \"q\"\n\t東京", "Zoë 🚀", "", "dup", "dup"], WrittenNames());
    }

    [Fact]
    public async Task SendAsync_OutsideATurn_WritesItsLineBeforeAnswering()
    {
        var answers = await SendAsync("alone", "");

        Assert.Equal(["alone", ""], answers);
        Assert.Equal(["alone", ""], WrittenNames());
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    // One request per name, as a batch of one upsert each, sent from a flow where the turn is current.
    private async Task<string[]> SendInTurnAsync(SendOrder.Turn turn, params string[] names)
    {
        turn.Enter();
        return await SendAsync(names);
    }

    private async Task<string[]> SendAsync(params string[] names)
    {
        var answers = new List<string>();
        foreach (var name in names)
        {
            var body = new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["id"] = name, ["idProperty"] = "name", ["properties"] = new JsonObject { ["name"] = name } }) };
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await _client.PostAsync(new Uri(Upsert, UriKind.Relative), content);
            response.EnsureSuccessStatusCode();
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            answers.Add(answer["results"]![0]!["properties"]!["name"]!.GetValue<string>());
        }

        return [.. answers];
    }

    private string[] WrittenNames() => File.ReadAllLines(Outbox)
        .Select(line => JsonNode.Parse(line)!["body"]!["inputs"]![0]!["properties"]!["name"]!.GetValue<string>())
        .ToArray();
}
