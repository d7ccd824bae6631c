using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using MudBlazor.Services;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.SignIn;

namespace Portal.Tests.TestSupport;

/// <summary>
/// bUnit with MudBlazor, an interactive renderer, the real live stream and real EF Core on a temp-file SQLite
/// database (migrated), so components read what the app would.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"portal-bunit-{Guid.NewGuid():N}.db");

    /// <param name="configure">Services a test class adds or replaces; bUnit takes none once the first is resolved.</param>
    protected PortalComponentTest(Action<IServiceCollection>? configure = null)
    {
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        Services.AddOptions<SignInOptions>();
        Services.AddSingleton<PortalAccess>();
        Services.AddSingleton(new PortalDataSettings($"Data Source={databasePath}"));
        configure?.Invoke(Services);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();

        // The local developer of Development: an operator, who sees every organization.
        Authorization = this.AddAuthorization();
        Authorization.SetAuthorized("Local developer").SetClaims(
            new Claim(ClaimTypes.NameIdentifier, SignInEndpoints.LocalUserId), new Claim(SentryClaimTypes.Operator, "true"));
        Services.AddDbContextFactory<PortalDbContext>(options => options.UseSqlite($"Data Source={databasePath}"));
        Services.AddSingleton<DeliveryPublisher>();
        Services.AddSingleton<DeliveryHistory>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        using var db = OpenDatabase();
        db.Database.Migrate();
    }

    /// <summary>Who the rendered components see as signed in; tests may switch to a member.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    protected DeliveryPublisher Publisher => Services.GetRequiredService<DeliveryPublisher>();

    protected PortalDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={databasePath}").Options);

    protected void Store(params WebhookDelivery[] deliveries)
    {
        using var db = OpenDatabase();
        db.WebhookDeliveries.AddRange(deliveries);
        db.SaveChanges();
    }

    protected static WebhookDelivery Delivery(string resource, string action, string? summary, DeliveryState state = DeliveryState.Processed, DeliveryFlags flags = DeliveryFlags.None) =>
        new()
        {
            Body = [],
            BodySha256 = Guid.NewGuid().ToByteArray(),
            Resource = resource,
            Action = action,
            Summary = summary,
            State = state,
            Flags = flags,
            ReceivedAt = DateTimeOffset.UtcNow,
            OrganizationSlug = "test-org",
        };

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }
    }
}
