using System.Net;
using Microsoft.Extensions.Time.Testing;
using Portal.IntegrationTests.TestSupport;
using Portal.SentryPlatform;

namespace Portal.IntegrationTests.SentryPlatform;

/// <summary>
/// A body that does not arrive within <see cref="SentryRequest.BodyDeadline"/> (reliability.md I7), on real Kestrel:
/// the deadline runs on a fake clock the test moves, and the client is a raw socket that stops mid-body.
/// </summary>
public sealed class SlowBodyTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private Uri baseUrl = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.TestServices = services => services.AddSingleton<TimeProvider>(time);
        baseUrl = factory.StartOnLoopback();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task A_body_that_stops_arriving_is_answered_408_the_connection_is_closed_and_nothing_logs_a_stack_trace()
    {
        await using var connection = await RawHttpConnection.OpenAsync(baseUrl, Cancel);
        await connection.SendAsync(RawHttpConnection.WebhookHead(1000, new string('0', 64)).Concat(new byte[100]).ToArray(), Cancel);
        var response = connection.ReadResponseHeadAsync(Cancel);

        await Eventually.TrueAsync(
            () =>
            {
                time.Advance(SentryRequest.BodyDeadline);
                return Task.FromResult(response.IsCompleted);
            },
            "the answer to the slow body");
        await connection.SendAsync(new byte[900], Cancel);

        Assert.Equal(HttpStatusCode.RequestTimeout, (await response)!.Status);
        Assert.Equal("close", (await response)!.Headers["Connection"]);
        Assert.True(await connection.WaitForServerCloseAsync(TimeSpan.FromSeconds(30), Cancel), "the server kept the connection open");
        Assert.Equal(0, factory.Services.GetRequiredService<UnverifiedBodyBudget>().HeldBytes);
        Assert.DoesNotContain(factory.Logs.Lines, line => IsWarningOrWorse(line) && (line.Contains("   at ", StringComparison.Ordinal) || line.Contains("Exception", StringComparison.Ordinal)));
    }

    private static bool IsWarningOrWorse(string line) =>
        line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal);
}
