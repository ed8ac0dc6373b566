using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>A refused credential is completed with the keys and variables to check; other failures pass unchanged.</summary>
public class CredentialsTests
{
    private static readonly RuntimePaths Paths = new("/config", "/data");

    [Fact]
    public void Hint_KeysReadFromVariables_NamesTheVariablesNeverTheValues()
    {
        var connection = Connection("""{"client_id":"cid-ünï 🚀","client_secret":"s3cr3t"}""",
            new Dictionary<string, string> { ["client_id"] = "SF_ID", ["client_secret"] = "SF_SECRET" });

        var hint = Credentials.Hint(connection, "client_id", "client_secret");

        Assert.Equal("check the connection's client_id and client_secret (read from SF_ID, SF_SECRET)", hint);
        Assert.DoesNotContain("s3cr3t", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Hint_KeyWrittenInTheYaml_SaysSo()
    {
        Assert.Equal("check the connection's token (written in the YAML)", Credentials.Hint(Connection("""{"token":""}""", []), "token"));
    }

    [Fact]
    public void Checked_KeepsTheBatchesInFlightOfTheWriterItWraps_AndAWriterOfOneBatchAtATimeStaysOne()
    {
        var connection = Connection("{}", []);

        var concurrent = Assert.IsAssignableFrom<IConcurrentSyncWriter>(Credentials.Checked(new Concurrent(), connection, "token"));
        var single = Credentials.Checked(new Throwing(new DestinationException("x")), connection, "token");

        Assert.Equal((7, (int?)3), (concurrent.MaxConcurrentBatches, concurrent.MaxBatchSize));
        // Not a writer of batches side by side: the run stores each of its batches before sending the next (a webhook).
        Assert.IsNotAssignableFrom<IConcurrentSyncWriter>(single);
    }

    [Fact]
    public async Task Checked_RefusedCredential_EndsWithTheHintAndKeepsWhetherItMayHaveArrived()
    {
        var refused = new DestinationException("HubSpot connection 'crm': the token was refused (401)") { MayHaveBeenDelivered = true }.Refused();
        var writer = Credentials.Checked(new Throwing(refused), Connection("{}", new Dictionary<string, string> { ["token"] = "HUBSPOT_TOKEN" }), "token");

        var failure = await Assert.ThrowsAsync<DestinationException>(() => writer.WriteAsync([], CancellationToken.None));

        Assert.Equal("HubSpot connection 'crm': the token was refused (401); check the connection's token (read from HUBSPOT_TOKEN)", failure.Message);
        Assert.True(failure.MayHaveBeenDelivered);
    }

    [Fact]
    public async Task Checked_OtherFailure_PassesUnchanged()
    {
        var outage = new DestinationException("HubSpot connection 'crm': HTTP 503 after retries");
        var writer = Credentials.Checked(new Throwing(outage), Connection("{}", []), "token");

        Assert.Same(outage, await Assert.ThrowsAsync<DestinationException>(() => writer.WriteAsync([], CancellationToken.None)));
    }

    private static ConnectionSettings Connection(string options, Dictionary<string, string> variables) =>
        new("crm", "hubspot", JsonDocument.Parse(options).RootElement, Paths) { Variables = variables };

    private sealed class Throwing(DestinationException error) : ISyncWriter
    {
        public Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) => throw error;

        public JsonNode Preview(SyncRecord record) => new JsonObject();
    }

    private sealed class Concurrent : IConcurrentSyncWriter
    {
        public int MaxConcurrentBatches => 7;

        public int? MaxBatchSize => 3;

        public Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RecordOutcome>>(records.Select(r => RecordOutcome.Sent(r.Key)).ToList());

        public JsonNode Preview(SyncRecord record) => new JsonObject();
    }
}
