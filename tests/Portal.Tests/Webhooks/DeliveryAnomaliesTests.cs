using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class DeliveryAnomaliesTests : IAsyncLifetime
{
    private readonly ProcessingServices services = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private DeliveryAnomalies Anomalies => services.Get<DeliveryAnomalies>();

    public ValueTask InitializeAsync() => new(services.StartAsync());

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task A_delivery_naming_an_installation_the_portal_does_not_know_is_an_orphan_without_an_organization()
    {
        var delivery = Delivery(WebhookCatalog.Issue, Guid.NewGuid());
        await using var db = services.OpenDatabase();

        await Anomalies.ResolveInstallationAsync(db, delivery, await DeliveryAnomalies.InstallationsOfAsync(db, [delivery], Cancel));

        Assert.Equal((DeliveryFlags.Orphan, (long?)null), (delivery.Flags, delivery.OrganizationId));
    }

    [Fact]
    public async Task An_installation_recorded_after_the_batch_was_read_is_looked_up_again_when_its_delivery_is_processed()
    {
        var installation = Guid.NewGuid();
        var delivery = Delivery(WebhookCatalog.Issue, installation);
        await using var db = services.OpenDatabase();
        var known = await DeliveryAnomalies.InstallationsOfAsync(db, [delivery], Cancel);
        await services.InstallAsync(installation, 42);

        await Anomalies.ResolveInstallationAsync(db, delivery, known);

        Assert.Equal((DeliveryFlags.None, (long?)42), (delivery.Flags, delivery.OrganizationId));
        Assert.Equal(42, known[installation].OrganizationId);
    }

    [Fact]
    public async Task A_retried_orphan_whose_installation_became_known_is_an_orphan_no_more()
    {
        var installation = Guid.NewGuid();
        var delivery = Delivery(WebhookCatalog.Issue, installation);
        delivery.Flags = DeliveryFlags.Orphan;
        await services.InstallAsync(installation, 42);
        await using var db = services.OpenDatabase();

        await Anomalies.ResolveInstallationAsync(db, delivery, await DeliveryAnomalies.InstallationsOfAsync(db, [delivery], Cancel));

        Assert.Equal((DeliveryFlags.None, (long?)42), (delivery.Flags, delivery.OrganizationId));
    }

    [Theory]
    [InlineData(WebhookCatalog.Issue, DeliveryFlags.Uninstalled)]
    [InlineData(WebhookCatalog.Installation, DeliveryFlags.None)]
    public async Task Deliveries_about_an_uninstalled_installation_are_flagged_except_its_own_installation_deliveries(string resource, DeliveryFlags flags)
    {
        var installation = Guid.NewGuid();
        await services.InstallAsync(installation, 42, InstallationStatus.Uninstalled);
        var delivery = Delivery(resource, installation);
        await using var db = services.OpenDatabase();

        await Anomalies.ResolveInstallationAsync(db, delivery, await DeliveryAnomalies.InstallationsOfAsync(db, [delivery], Cancel));

        Assert.Equal((flags, (long?)42), (delivery.Flags, delivery.OrganizationId));
    }

    [Fact]
    public async Task A_delivery_naming_no_installation_is_left_as_it_is()
    {
        var delivery = Delivery(WebhookCatalog.ServiceHook, installation: null);
        delivery.OrganizationId = 7;
        await using var db = services.OpenDatabase();

        await Anomalies.ResolveInstallationAsync(db, delivery, new());

        Assert.Equal((DeliveryFlags.None, (long?)7), (delivery.Flags, delivery.OrganizationId));
    }

    [Fact]
    public async Task A_Request_ID_seen_again_with_another_body_is_reported_once_on_the_later_delivery()
    {
        var first = await services.StoreAsync(WebhookCatalog.Issue, requestId: "reused-1");
        var second = await services.StoreAsync(WebhookCatalog.Issue, requestId: "reused-1");
        await services.StoreAsync(WebhookCatalog.Issue, requestId: "unique-1");
        await using var db = services.OpenDatabase();
        var batch = await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Cancel);

        await Anomalies.ReportReusedRequestIdsAsync(db, batch, Cancel);

        var reported = Assert.Single(services.Logs, line => line.Contains("reuses Request-ID", StringComparison.Ordinal));
        Assert.Contains($"Delivery {second} reuses Request-ID reused-1 of delivery {first} ", reported, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_the_portal_cannot_read_is_flagged_unparsed()
    {
        var delivery = Delivery(WebhookCatalog.Issue, installation: null);

        Anomalies.FlagUnparsed(delivery);

        Assert.Equal(DeliveryFlags.Unparsed, delivery.Flags);
    }

    private WebhookDelivery Delivery(string resource, Guid? installation) =>
        new()
        {
            Body = [],
            BodySha256 = Guid.NewGuid().ToByteArray(),
            Resource = resource,
            InstallationUuid = installation,
            ReceivedAt = services.Clock.GetUtcNow(),
        };
}
