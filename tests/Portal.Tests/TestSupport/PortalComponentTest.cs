using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using MudBlazor.Services;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Realtime;
using Portal.Scaleout;
using Portal.Tenancy;

namespace Portal.Tests.TestSupport;

/// <summary>
/// bUnit with MudBlazor, an interactive renderer, the real live stream and real EF Core on a throw-away database of
/// this run's provider (migrated), so components read what the app would.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly TestDatabase database = TestDatabase.Create();

    // Pages read the database asynchronously (really so on PostgreSQL): a wait without its own timeout gets this
    // much, enough for a CI machine running two test processes on two cores; a passing wait returns at once.
    static PortalComponentTest() => DefaultWaitTimeout = TimeSpan.FromSeconds(15);

    /// <param name="configure">Services a test class adds or replaces; bUnit takes none once the first is resolved.</param>
    protected PortalComponentTest(Action<IServiceCollection>? configure = null)
    {
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        Services.AddOptions<AccessOptions>().Configure(options => options.LocalDeveloperIsOperator = true);
        Services.AddSingleton<PortalAccess>();
        Services.AddLogging();
        Services.AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        Services.AddSingleton<ISessionValidity, Portal.SignIn.SignInSessions>();
        Services.AddScoped<CircuitAccess>();
        Services.AddSingleton<InstanceMessages>();
        Services.AddSingleton<OrganizationDirectory>();
        Services.AddSingleton(database.Settings);
        configure?.Invoke(Services);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();

        // The local developer of Development: an operator, who sees every organization.
        Authorization = this.AddAuthorization();
        Authorization.SetAuthorized("Local developer").SetClaims(
            new Claim(ClaimTypes.NameIdentifier, SentryClaimTypes.LocalDeveloperId), new Claim(SentryClaimTypes.Operator, "true"));
        Services.AddDbContextFactory<PortalDbContext>(options => database.Settings.Configure(options));
        Services.AddSingleton<DeliveryPublisher>();
        Services.AddSingleton<DeliveryHistory>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Task.Run(database.MigrateAsync).GetAwaiter().GetResult();

        AddOrganization(TestOrganizationId, "test-org");
    }

    /// <summary>The organization <see cref="Delivery"/> puts deliveries in (as the sample installation's, id 5).</summary>
    protected const long TestOrganizationId = 5;

    /// <summary>Who the rendered components see as signed in; tests may switch to a member.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    protected DeliveryPublisher Publisher => Services.GetRequiredService<DeliveryPublisher>();

    protected PortalDbContext OpenDatabase() => database.Open();

    /// <summary>An organization the portal knows by id, named as Sentry would name it.</summary>
    protected void AddOrganization(long id, string slug) =>
        Services.GetRequiredService<OrganizationDirectory>().RecordAsync(id, slug, DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>An organization that installed the app: what a member must belong to to see anything.</summary>
    protected void Install(long organizationId, string slug)
    {
        AddOrganization(organizationId, slug);
        using var db = OpenDatabase();
        db.Installations.Add(new Installation { Uuid = Guid.NewGuid(), AppSlug = "acme-portal", OrganizationId = organizationId, Status = InstallationStatus.Installed, InstalledAt = DateTimeOffset.UtcNow });
        db.SaveChanges();
    }

    /// <summary>Signs the rendered components in as Sentry user 123, a member of these organizations in these roles.</summary>
    protected void SignInAsMember(params (long Organization, string Role)[] memberships) =>
        Authorization.SetClaims([
            new Claim(ClaimTypes.NameIdentifier, "123"),
            .. memberships.Select(m => new Claim(SentryClaimTypes.Organization, m.Organization.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            .. memberships.Select(m => new Claim(SentryClaimTypes.OrganizationRole, SentryClaimTypes.RoleValue(m.Organization, m.Role))),
        ]);

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
            OrganizationId = TestOrganizationId,
        };

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await database.DisposeAsync();
    }
}
