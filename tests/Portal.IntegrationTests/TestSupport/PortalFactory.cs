using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// The real host on a throw-away database of this run's provider (a temp SQLite file, or a PostgreSQL database
/// when <c>PORTAL_TEST_DATABASE=postgres</c>), with test settings and, where a test needs them, fakes at the edges
/// (storage failures, time). One per test class.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    /// <summary>A throw-away database of its own; another instance of the same portal is given the first one's.</summary>
    internal TestDatabase Database { get; }

    /// <summary>Whether disposing drops the database and key ring: false for an instance given another's.</summary>
    public bool OwnsDatabase { get; } = true;

    /// <summary>The SQLite file; null on PostgreSQL.</summary>
    public string? DatabasePath => Database.FilePath;

    internal LogCapture Logs { get; } = new();

    /// <summary>The key ring's directory on SQLite (on PostgreSQL the ring lives in the database, as in production).</summary>
    public string KeysPath { get; }

    public PortalFactory()
        : this((DatabaseProvider?)null)
    {
    }

    /// <summary>On <paramref name="provider"/> rather than this run's (a test of what only PostgreSQL does).</summary>
    internal PortalFactory(DatabaseProvider? provider)
    {
        Database = TestDatabase.Create(provider);
        KeysPath = Path.Combine(Path.GetTempPath(), $"portal-test-keys-{Guid.NewGuid():N}");
    }

    /// <summary>Another instance of the portal <paramref name="first"/> runs: the same database and key ring.</summary>
    internal PortalFactory(PortalFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        Database = first.Database;
        KeysPath = first.KeysPath;
        OwnsDatabase = false;
    }

    /// <summary>Configuration on top of appsettings*.json; set before the first request.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Sentry:ClientSecret"] = SampleDeliveries.Secret,

        // A closed local port: a test never reaches the real sentry.io; those that need Sentry start a FakeSentry.
        ["Sentry:BaseUrl"] = "http://127.0.0.1:9/",
    };

    public string EnvironmentName { get; set; } = "Development";

    public Action<IServiceCollection>? TestServices { get; set; }

    public string ConnectionString => Database.ConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(EnvironmentName);
        builder.UseSolutionRelativeContentRoot("", solutionName: RepoPaths.SolutionName);
        foreach (var (key, value) in Database.HostSettings)
        {
            builder.UseSetting(key, value);
        }

        if (Database.Provider == DatabaseProvider.Sqlite)
        {
            builder.UseSetting("Portal:DataProtectionKeysPath", KeysPath);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureTestServices(services => TestServices?.Invoke(services));
    }

    /// <summary>Starts the host on a real loopback Kestrel port, for tests that need a socket, and returns its address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(0);
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public PortalDbContext OpenDatabase() => Database.Open();

    internal async Task<WebhookDelivery?> FindDeliveryAsync(byte[] body)
    {
        var hash = SHA256.HashData(body);
        await using var db = OpenDatabase();
        return await db.WebhookDeliveries.AsNoTracking().SingleOrDefaultAsync(d => d.BodySha256 == hash);
    }

    /// <summary>The slug the portal shows for an organization (null when it does not know it).</summary>
    internal async Task<string?> OrganizationSlugAsync(long? organizationId)
    {
        await using var db = OpenDatabase();
        return await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Slug).SingleOrDefaultAsync();
    }

    /// <summary>An organization the portal knows (as a signed webhook would have told it), through the portal's own directory.</summary>
    internal Task AddOrganizationAsync(long organizationId, string slug) =>
        Services.GetRequiredService<Portal.Tenancy.OrganizationDirectory>().RecordAsync(organizationId, slug, DateTimeOffset.UtcNow, CancellationToken.None);

    /// <summary>Waits until the processor has finished with the delivery of <paramref name="body"/>.</summary>
    internal async Task<WebhookDelivery> ProcessedDeliveryAsync(byte[] body, DeliveryState state = DeliveryState.Processed)
    {
        WebhookDelivery? delivery = null;
        await Eventually.TrueAsync(
            async () => (delivery = await FindDeliveryAsync(body))?.State == state,
            $"a delivery in state {state}");
        return delivery!;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (!OwnsDatabase)
        {
            return;
        }

        await Database.DisposeAsync();

        if (Directory.Exists(KeysPath))
        {
            Directory.Delete(KeysPath, recursive: true);
        }
    }
}
