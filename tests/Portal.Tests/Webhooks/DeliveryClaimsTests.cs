using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;
using Portal.Webhooks;

namespace Portal.Tests.Webhooks;

/// <summary>
/// What a processing pass takes and gives back (issue 13): on PostgreSQL it claims its batch so another instance skips
/// it, and when it ends it releases only what it did not record; on SQLite one process takes what is due as it is.
/// </summary>
public sealed class DeliveryClaimsTests : IAsyncLifetime
{
    private readonly ProcessingServices services = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private DeliveryClaims Claims => services.Get<DeliveryClaims>();

    private bool OnPostgres => services.Get<PortalDataSettings>().IsPostgres;

    public ValueTask InitializeAsync() => new(services.StartAsync());

    public ValueTask DisposeAsync() => services.DisposeAsync();

    [Fact]
    public async Task A_claimed_batch_is_not_taken_again_until_its_lease_lapses()
    {
        Assert.SkipUnless(OnPostgres, "Claims exist on PostgreSQL only; SQLite is one process.");
        var ids = await StoreAsync(3);
        await using var db = services.OpenDatabase();

        var first = await Claims.TakeDueAsync(db, 2, Cancel);
        var second = await Claims.TakeDueAsync(db, 10, Cancel);
        services.Clock.Advance(ProcessingPace.Default.ClaimLease + TimeSpan.FromSeconds(1));
        var afterTheLease = await Claims.TakeDueAsync(db, 10, Cancel);

        Assert.Equal(ids[..2], first.Select(d => d.Id));
        Assert.Equal(ids[2..], second.Select(d => d.Id));
        Assert.Equal(ids, afterTheLease.Select(d => d.Id));
        Assert.All(await ClaimsOfAsync(ids), claim => Assert.Equal(Claims.Claimant, claim));
    }

    [Fact]
    public async Task Ending_a_pass_releases_the_claims_it_did_not_record_and_leaves_the_recorded_ones_alone()
    {
        Assert.SkipUnless(OnPostgres, "Claims exist on PostgreSQL only; SQLite is one process.");
        var ids = await StoreAsync(4);
        await using var db = services.OpenDatabase();
        var due = await Claims.TakeDueAsync(db, 4, Cancel);

        await using (var held = Claims.Hold(due))
        {
            // Recording an outcome clears the claim in the same update; here the first two say they were recorded
            // without it, so a release that still touched them would show.
            held.Settled(ids[..2]);
        }

        Assert.Equal([Claims.Claimant, Claims.Claimant, null, null], await ClaimsOfAsync(ids));
        Assert.Equal(ids[2..], (await Claims.TakeDueAsync(db, 10, Cancel)).Select(d => d.Id));
    }

    [Fact]
    public async Task On_sqlite_the_pass_takes_what_is_due_without_claiming_it()
    {
        Assert.SkipWhen(OnPostgres, "PostgreSQL claims; see the other tests.");
        var ids = await StoreAsync(2);
        await using var db = services.OpenDatabase();

        var taken = await Claims.TakeDueAsync(db, 10, Cancel);
        await using (Claims.Hold(taken))
        {
            Assert.Equal(ids, (await Claims.TakeDueAsync(db, 10, Cancel)).Select(d => d.Id));
        }

        Assert.Equal([null, null], await ClaimsOfAsync(ids));
    }

    private async Task<long[]> StoreAsync(int count)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await services.StoreAsync(WebhookCatalog.Issue);
        }

        return ids;
    }

    private async Task<List<string?>> ClaimsOfAsync(long[] ids)
    {
        await using var db = services.OpenDatabase();
        return await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).Select(d => d.ClaimedBy).ToListAsync(Cancel);
    }
}
