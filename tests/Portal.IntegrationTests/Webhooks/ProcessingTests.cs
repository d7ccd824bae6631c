using System.Net;
using Portal.Data.Entities;
using Portal.IntegrationTests.TestSupport;
using Portal.Webhooks;

namespace Portal.IntegrationTests.Webhooks;

public sealed class ProcessingTests : IAsyncLifetime
{
    private readonly ProcessorClock time = new();
    private readonly FailingIssueHandler failing = new();
    private readonly PortalFactory factory = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.TestServices = services =>
        {
            services.AddSingleton<TimeProvider>(time);

            // The failing handler takes the place of the real issue handler (one handler per resource).
            services.Remove(services.Single(d => d.ServiceType == typeof(IWebhookHandler) && d.ImplementationType == typeof(global::Portal.Tickets.IssueWebhookHandler)));
            services.AddSingleton<IWebhookHandler>(failing);
        };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task A_failing_delivery_is_retried_on_the_backoff_schedule_and_marked_dead_after_ten_attempts()
    {
        var client = factory.CreateClient();
        using var metrics = new MetricRecorder(factory.Services);
        var body = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "800000001");
        failing.Failures = int.MaxValue;

        var response = await client.SendAsync(SignedRequests.Webhook("issue", body, timestamp: time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var first = await WokenUntilAsync(body, DeliveryState.Retrying);
        Assert.Equal(1, first.Attempts);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(1), first.NextAttemptAt);
        Assert.Contains("injected failure", first.LastError, StringComparison.Ordinal);

        TimeSpan[] waits = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2),
            TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)];
        for (var attempt = 2; attempt <= 10; attempt++)
        {
            var scheduled = (await factory.FindDeliveryAsync(body))!.NextAttemptAt;
            Assert.InRange(scheduled - time.GetUtcNow(), waits[attempt - 2] - TimeSpan.FromMilliseconds(50), waits[attempt - 2]);

            await time.AdvanceAsync(scheduled - time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
            await time.SleepingUntilAsync();
            Assert.Equal(attempt - 1, (await factory.FindDeliveryAsync(body))!.Attempts);

            await time.WakeUntilAsync(async () => (await factory.FindDeliveryAsync(body))!.Attempts == attempt, $"attempt {attempt}");
        }

        var dead = await factory.ProcessedDeliveryAsync(body, DeliveryState.Dead);
        Assert.Equal(10, dead.Attempts);
        Assert.Equal((9.0, 1.0), (metrics["portal.webhook.processing{result=failed}"], metrics["portal.webhook.processing{result=dead}"]));
        await time.AdvanceAsync(TimeSpan.FromHours(1));
        await time.WakeAsync();
        await time.SleepingUntilAsync();
        Assert.Equal(10, (await factory.FindDeliveryAsync(body))!.Attempts);
    }

    [Fact]
    public async Task A_delivery_that_fails_once_is_processed_on_its_retry_without_holding_up_the_ones_behind_it()
    {
        var client = factory.CreateClient();
        var failingBody = SignedRequests.Unique(SampleDeliveries.Named("webhook.issue.created.json"), "800000002");
        var behind = SignedRequests.Unique(SampleDeliveries.Named("webhook.comment.created.json"), "800000003");
        failing.Failures = 1;

        await client.SendAsync(SignedRequests.Webhook("issue", failingBody, timestamp: Now()), Cancel);
        await client.SendAsync(SignedRequests.Webhook("comment", behind, timestamp: Now()), Cancel);

        await WokenUntilAsync(behind, DeliveryState.Processed);
        Assert.Equal(DeliveryState.Retrying, (await factory.FindDeliveryAsync(failingBody))!.State);
        var retried = await WokenUntilAsync(failingBody, DeliveryState.Processed);
        Assert.Equal(2, retried.Attempts);
        Assert.Null(retried.LastError);
    }

    // The processor takes new work after its gather window, on the fake clock: the test moves the clock to each of its wake-ups.
    private async Task<WebhookDelivery> WokenUntilAsync(byte[] body, DeliveryState state)
    {
        await time.WakeUntilAsync(async () => (await factory.FindDeliveryAsync(body))?.State == state, $"a delivery in state {state}");
        return (await factory.FindDeliveryAsync(body))!;
    }

    private string Now() => time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Stands in for the issue handler and fails the first <see cref="Failures"/> times.</summary>
    private sealed class FailingIssueHandler : IWebhookHandler
    {
        private int failures;

        public int Failures { get => failures; set => failures = value; }

        public string Resource => WebhookCatalog.Issue;

        public Task<HandlerOutcome> HandleAsync(WebhookEvent webhook, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref failures) >= 0
                ? throw new InvalidOperationException("injected failure")
                : Task.FromResult(HandlerOutcome.Done);
    }
}
