using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.IntegrationTests.TestSupport;
using Portal.Webhooks;

namespace Portal.IntegrationTests.Webhooks;

public sealed class StorageFailureTests : IAsyncLifetime
{
    private readonly PortalFactory factory = new();
    private FlakyStore? store;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        factory.TestServices = services => services.Replace(ServiceDescriptor.Singleton<IDeliveryStore>(
            provider => store = new FlakyStore(WebhooksRegistration.CreateStore(provider))));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    [Fact]
    public async Task When_storage_fails_a_signed_delivery_is_answered_503_with_retry_after_and_stored_once_it_recovers()
    {
        var client = factory.CreateClient();
        var sample = SampleDeliveries.Named("webhook.issue.created.json");
        store!.Failing = true;

        var failed = await client.SendAsync(SignedRequests.Webhook(sample), Cancel);
        store.Failing = false;
        var retried = await client.SendAsync(SignedRequests.Webhook(sample), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), failed.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.NotNull(await factory.FindDeliveryAsync(sample.Body));
    }

    [Fact]
    public async Task Once_the_writer_has_stopped_for_shutdown_a_signed_delivery_is_answered_503()
    {
        var client = factory.CreateClient();
        await factory.Services.GetRequiredService<DeliveryWriter>().StopAsync(Cancel);

        var response = await client.SendAsync(SignedRequests.Webhook(SampleDeliveries.Named("webhook.comment.created.json")), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    /// <summary>The real store, with failures switched on and off by the test (CI runs as root, so chmod cannot).</summary>
    private sealed class FlakyStore(IDeliveryStore inner) : IDeliveryStore
    {
        public bool Failing { get; set; }

        public Task<StoreCommit> CommitAsync(
            IReadOnlyList<PendingDelivery> deliveries, IReadOnlyList<Portal.Data.Entities.WebhookDelivery> outcomes, CancellationToken cancellationToken) =>
            Failing
                ? throw new Microsoft.Data.Sqlite.SqliteException("disk I/O error (injected)", 10)
                : inner.CommitAsync(deliveries, outcomes, cancellationToken);
    }
}
