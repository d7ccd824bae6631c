using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Portal.Data;

namespace Portal.IntegrationTests.Data;

/// <summary>
/// docs/database.md: migrations apply on start by default; with <c>Portal:Database:MigrateOnStart=false</c> an
/// instance refuses an outdated schema (naming what is missing) until <c>Portal migrate</c> has run.
/// </summary>
public sealed class MigratingAheadOfADeployTests : IAsyncLifetime
{
    private TestDatabase database = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => database = await TestDatabase.CreateAsync(empty: true);

    public async ValueTask DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task An_instance_told_not_to_migrate_refuses_an_outdated_schema_until_migrate_has_run()
    {
        using var refusing = Host(migrateOnStart: "false");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => refusing.PreparePortalDatabaseAsync(Cancel));
        Assert.Contains("run the portal with the argument \"migrate\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("DeliveryClaims", refused.Message, StringComparison.Ordinal);

        await refusing.MigratePortalDatabaseAsync(Cancel);
        await refusing.PreparePortalDatabaseAsync(Cancel);
        await using var db = database.Open();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancel));
    }

    [Fact]
    public async Task By_default_an_instance_migrates_on_start()
    {
        using var host = Host(migrateOnStart: null);

        await host.PreparePortalDatabaseAsync(Cancel);

        await using var db = database.Open();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancel));
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync(Cancel));
    }

    [Fact]
    public async Task Instances_starting_together_on_an_empty_database_take_turns_migrating_it()
    {
        var instances = Enumerable.Range(0, 3).Select(_ => Host(migrateOnStart: null)).ToList();

        await Task.WhenAll(instances.Select(instance => Task.Run(() => instance.PreparePortalDatabaseAsync(Cancel))));

        instances.ForEach(instance => instance.Dispose());
        await using var db = database.Open();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Cancel));
    }

    [Fact]
    public async Task A_value_that_is_not_a_boolean_stops_the_start_naming_the_key()
    {
        using var host = Host(migrateOnStart: "sometimes");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.PreparePortalDatabaseAsync(Cancel));

        Assert.Contains(PortalDataRegistration.MigrateOnStartKey, refused.Message, StringComparison.Ordinal);
    }

    private IHost Host(string? migrateOnStart)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        foreach (var (key, value) in database.HostSettings)
        {
            builder.Configuration[key] = value;
        }

        builder.Configuration[PortalDataRegistration.MigrateOnStartKey] = migrateOnStart;
        builder.AddPortalData();
        return builder.Build();
    }
}
