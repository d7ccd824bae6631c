using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portal.IntegrationTests.TestSupport;
using Portal.SentryPlatform;

namespace Portal.IntegrationTests.SentryPlatform;

/// <summary>
/// Real Kestrel on loopback and raw sockets: connections that promise 2 MiB bodies with a well-formed but wrong
/// signature and then stall. Time is frozen, so the stalled bodies stay stalled until the test closes them.
/// </summary>
public sealed class UnverifiedBodyBudgetTests : IAsyncLifetime
{
    private const int Budget = 8 * 1024 * 1024;
    private const int Reserve = 2 * 1024 * 1024;
    private const int StalledBodyBytes = 2 * 1024 * 1024;
    private const int Connections = 24;

    // (Budget - Reserve) / StalledBodyBytes: the large-body share holds exactly three; without the reserve four would
    // fit and fill the budget to the last byte, leaving nothing for Sentry's small deliveries.
    private const int Held = 3;

    private static readonly string ZeroSignature = new('0', 64);

    private readonly PortalFactory factory = new();
    private readonly List<RawHttpConnection> stalled = [];
    private HttpClient client = null!;
    private UnverifiedBodyBudget budget = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.Settings["Portal:Intake:UnverifiedBodyBudgetBytes"] = $"{Budget}";
        factory.Settings["Portal:Intake:SmallBodyReserveBytes"] = $"{Reserve}";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        factory.TestServices = services => services.AddSingleton<TimeProvider>(time);
        client = new HttpClient { BaseAddress = factory.StartOnLoopback() };
        budget = factory.Services.GetRequiredService<UnverifiedBodyBudget>();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in stalled)
        {
            await connection.DisposeAsync();
        }

        client.Dispose();
        await factory.DisposeAsync();
    }

    [Fact]
    public async Task Stalled_unverified_bodies_past_the_budget_are_refused_503_while_a_signed_small_delivery_is_stored()
    {
        var responses = await StallAsync(Connections);

        await Eventually.TrueAsync(() => Task.FromResult(responses.Count(r => r.IsCompleted) == Connections - Held), "the refusals");
        var refused = responses.Where(r => r.IsCompleted).Select(r => r.Result).ToList();
        Assert.All(refused, response => Assert.Equal((HttpStatusCode.ServiceUnavailable, "30"), (response!.Status, response.Headers["Retry-After"])));
        Assert.Equal(Connections - Held, budget.RefusedCount);
        Assert.Equal(Held * StalledBodyBytes, budget.HeldBytes);
        Assert.InRange(budget.PeakHeldBytes, 0, Budget);

        var small = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "730000001");
        var stored = await client.SendAsync(SignedRequests.Webhook("issue", small), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        Assert.NotNull(await factory.FindDeliveryAsync(small));
        Assert.Equal(Held, responses.Count(r => !r.IsCompleted));
        Assert.Equal(Held * StalledBodyBytes, budget.HeldBytes);
    }

    [Fact]
    public async Task Once_the_stalled_connections_end_the_budget_is_whole_again_and_a_large_signed_delivery_is_stored()
    {
        var responses = await StallAsync(Connections);
        await Eventually.TrueAsync(() => Task.FromResult(responses.Count(r => r.IsCompleted) == Connections - Held), "the refusals");
        var large = LargeBody('a');
        var whileHeld = await client.SendAsync(SignedRequests.Webhook("issue", large), Cancel);

        await CloseStalledAsync();

        await Eventually.TrueAsync(() => Task.FromResult(budget.HeldBytes == 0), "the budget released");
        var afterwards = await client.SendAsync(SignedRequests.Webhook("issue", LargeBody('b')), Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileHeld.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, afterwards.StatusCode);
        Assert.Equal(LargeBody('b').Length, (await factory.FindDeliveryAsync(LargeBody('b')))!.Body.Length);
        Assert.Equal(Connections - Held + 1, budget.RefusedCount);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunked_body_is_measured_as_it_arrives_and_refused_once_it_outgrows_the_small_body_reserve()
    {
        var responses = await StallAsync(Held);
        await Eventually.TrueAsync(() => Task.FromResult(budget.HeldBytes == Held * StalledBodyBytes), "the large share held");

        var small = await client.SendAsync(Chunked(SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.resolved.json"), "730000002")), Cancel);
        var large = await client.SendAsync(Chunked(LargeBody('c')), Cancel);

        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, large.StatusCode);
        Assert.Equal(1, budget.RefusedCount);
        Assert.All(responses, response => Assert.False(response.IsCompleted));
    }

    // Headers and the first 64 KiB of a 2 MiB body in one write, then nothing.
    private async Task<List<Task<RawResponse?>>> StallAsync(int count)
    {
        var responses = new List<Task<RawResponse?>>();
        for (var i = 0; i < count; i++)
        {
            var connection = await RawHttpConnection.OpenAsync(client.BaseAddress!, Cancel);
            stalled.Add(connection);
            await connection.SendAsync(RawHttpConnection.WebhookHead(StalledBodyBytes, ZeroSignature).Concat(new byte[64 * 1024]).ToArray(), Cancel);
            responses.Add(connection.ReadResponseHeadAsync(Cancel));
        }

        return responses;
    }

    private async Task CloseStalledAsync()
    {
        foreach (var connection in stalled)
        {
            await connection.DisposeAsync();
        }

        stalled.Clear();
    }

    private static byte[] LargeBody(char pad) => Encoding.ASCII.GetBytes($"{{\"pad\":\"{new string(pad, 1024 * 1024)}\"}}");

    private static HttpRequestMessage Chunked(byte[] body)
    {
        var request = SignedRequests.Webhook("issue", body);
        request.Content = new StreamContent(new MemoryStream(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        return request;
    }
}
