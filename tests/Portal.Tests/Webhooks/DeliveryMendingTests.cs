using Portal.Data.Entities;
using Portal.Installations;
using Portal.Realtime;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

public sealed class DeliveryMendingTests : IAsyncLifetime
{
    private readonly ProcessingServices services = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private DeliveryMending Mending => services.Get<DeliveryMending>();

    public ValueTask InitializeAsync() => new(services.StartAsync());

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task An_installation_learned_later_clears_the_orphan_flag_and_names_the_organization_of_its_earlier_deliveries()
    {
        var installation = Guid.NewGuid();
        var orphan = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.Processed, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);

        services.Get<InstallationOrganizations>().Remember(installation, 42);
        await Mending.MendLearnedAsync(Cancel);

        var mended = await services.FindAsync(orphan);
        Assert.Equal((DeliveryFlags.None, (long?)42), (mended.Flags, mended.OrganizationId));
    }

    [Fact]
    public async Task An_organization_learned_later_is_named_on_deliveries_that_were_no_orphans()
    {
        var installation = Guid.NewGuid();
        await services.InstallAsync(installation, organizationId: null);
        var known = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.NeedsAttention, flags: DeliveryFlags.Uninstalled);
        await services.AddOrganizationAsync(42);

        services.Get<InstallationOrganizations>().Remember(installation, 42);
        await Mending.MendLearnedAsync(Cancel);

        var mended = await services.FindAsync(known);
        Assert.Equal((DeliveryFlags.Uninstalled, (long?)42, DeliveryState.NeedsAttention), (mended.Flags, mended.OrganizationId, mended.State));
    }

    [Theory]
    [InlineData(DeliveryState.Pending)]
    [InlineData(DeliveryState.Retrying)]
    public async Task A_delivery_still_to_process_is_left_to_its_next_pass(DeliveryState state)
    {
        var installation = Guid.NewGuid();
        var due = await services.StoreAsync(WebhookCatalog.Issue, installation, state: state, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);

        services.Get<InstallationOrganizations>().Remember(installation, 42);
        await Mending.MendLearnedAsync(Cancel);

        var untouched = await services.FindAsync(due);
        Assert.Equal((DeliveryFlags.Orphan, (long?)null), (untouched.Flags, untouched.OrganizationId));
    }

    [Fact]
    public async Task Mending_everything_at_start_up_covers_installations_recorded_while_the_portal_was_down()
    {
        var installation = Guid.NewGuid();
        var orphan = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.Processed, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);

        await Mending.MendAllAsync(Cancel);

        var mended = await services.FindAsync(orphan);
        Assert.Equal((DeliveryFlags.None, (long?)42), (mended.Flags, mended.OrganizationId));
    }

    [Fact]
    public async Task Learning_an_installation_wakes_the_processor()
    {
        var signal = services.Get<WorkSignal>();

        services.Get<InstallationOrganizations>().Remember(Guid.NewGuid(), 42);

        await signal.WaitAsync(Timeout.InfiniteTimeSpan, services.Clock, Cancel).WaitAsync(TimeSpan.FromSeconds(15), Cancel);
    }

    [Fact]
    public async Task Mended_deliveries_are_published_as_state_changes_naming_their_organization()
    {
        var installation = Guid.NewGuid();
        var orphan = await services.StoreAsync(WebhookCatalog.Issue, installation, state: DeliveryState.Processed, flags: DeliveryFlags.Orphan);
        await services.InstallAsync(installation, 42);
        using var subscription = services.Get<DeliveryPublisher>().Subscribe();

        services.Get<InstallationOrganizations>().Remember(installation, 42);
        await Mending.MendLearnedAsync(Cancel);

        Assert.True(subscription.Reader.TryRead(out var published));
        Assert.Equal((orphan, DeliverySummaryKind.StateChanged, (long?)42, "org-42"), (published.Id, published.Kind, published.OrganizationId, published.OrganizationSlug));
    }
}
