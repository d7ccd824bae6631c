using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Portal.Data.Entities;
using Portal.Webhooks;

namespace Portal.IntegrationTests.TestSupport;

/// <summary>
/// The real portal pointed at a <see cref="FakeSentry"/>, sharing one fake clock with it. Every test that uses it
/// ends with the secret canary: no grant code, token or secret the fake ever saw may appear in a log line.
/// </summary>
public abstract class InstallationTestHost : IAsyncLifetime
{
    protected FakeSentry Sentry { get; private set; } = null!;

    protected PortalFactory Portal { get; } = new();

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public virtual async ValueTask InitializeAsync()
    {
        Sentry = await FakeSentry.StartAsync();
        Sentry.Time = Time;
        UseFakeSentry(Portal, Sentry, Time);

        // Everything the portal itself logs, down to Trace, goes through the canary.
        Portal.Settings["Logging:LogLevel:Portal"] = "Trace";
        Portal.Settings["Logging:LogLevel:System.Net.Http"] = "Trace";
        Configure(Portal);
    }

    /// <summary>Points <paramref name="portal"/> at <paramref name="sentry"/>, on <paramref name="time"/> (the clock the fake should keep too).</summary>
    internal static void UseFakeSentry(PortalFactory portal, FakeSentry sentry, TimeProvider time)
    {
        portal.Settings["Sentry:BaseUrl"] = sentry.BaseUrl.ToString();
        portal.Settings["Sentry:ClientId"] = FakeSentry.ClientId;
        portal.Settings["Sentry:ClientSecret"] = FakeSentry.ClientSecret;
        portal.Settings["Sentry:AppSlug"] = FakeSentry.AppSlug;

        // These tests install many times from one address; the per-address limit has tests of its own.
        portal.Settings["Portal:AnonymousRequestsPerMinute"] = "100000";

        // The processor would gather new work on this clock until a test moved it; here it takes each delivery at once.
        portal.TestServices = services => services
            .Replace(ServiceDescriptor.Singleton<TimeProvider>(time))
            .Replace(ServiceDescriptor.Singleton(ProcessingPace.Default with { GatherWindow = TimeSpan.Zero }));
    }

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            var leaks = Portal.Logs.Lines
                .SelectMany(line => Sentry.Secrets.Where(secret => line.Contains(secret, StringComparison.Ordinal)).Select(_ => line))
                .ToList();
            Assert.True(leaks.Count == 0, $"A credential reached the logs:{Environment.NewLine}{string.Join(Environment.NewLine, leaks)}");
        }
        finally
        {
            await Portal.DisposeAsync();
            await Sentry.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }

    protected virtual void Configure(PortalFactory portal)
    {
    }

    protected T Service<T>() where T : notnull => Portal.Services.GetRequiredService<T>();

    /// <summary>The installer's browser: it does not follow the portal's redirect back to Sentry.</summary>
    protected HttpClient Browser() => Browser(Portal);

    internal static HttpClient Browser(PortalFactory portal) =>
        portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    protected Task<HttpResponseMessage> OpenSetupLinkAsync(FakeInstallation installation, string code, string? orgSlug = null) =>
        OpenSetupLinkAsync(Portal, installation, code, orgSlug);

    /// <summary>Where Sentry sends the installer's browser after "Install" (on <paramref name="portal"/>).</summary>
    internal static Task<HttpResponseMessage> OpenSetupLinkAsync(PortalFactory portal, FakeInstallation installation, string code, string? orgSlug = null) =>
        Browser(portal).GetAsync(
            $"/sentry/setup?code={code}&installationId={installation.Uuid}&orgSlug={Uri.EscapeDataString(orgSlug ?? installation.OrganizationSlug)}",
            TestContext.Current.CancellationToken);

    /// <summary><c>installation.created</c> exactly as Sentry encodes it (sentry-contract.md §2.9.1).</summary>
    internal static byte[] InstallationWebhook(FakeInstallation installation, string action, string? code)
    {
        ArgumentNullException.ThrowIfNull(installation);
        var codeProperty = code is null ? "" : $",\"code\":\"{code}\"";
        var status = action == "created" ? "pending" : "installed";
        return Encoding.ASCII.GetBytes(
            $"{{\"action\":\"{action}\",\"installation\":{{\"uuid\":\"{installation.Uuid}\"}},\"data\":{{\"installation\":{{" +
            $"\"app\":{{\"uuid\":\"2ebf071f-28df-4989-aca9-c37c763b278f\",\"slug\":\"{FakeSentry.AppSlug}\",\"sentryAppId\":42}}," +
            $"\"organization\":{{\"slug\":\"{installation.OrganizationSlug}\",\"id\":{installation.OrganizationId}}}," +
            $"\"uuid\":\"{installation.Uuid}\",\"status\":\"{status}\"{codeProperty}}}}}," +
            "\"actor\":{\"type\":\"user\",\"id\":1,\"name\":\"Meredith Heller\"}}");
    }

    protected Task<HttpResponseMessage> SendWebhookAsync(byte[] body) => SendWebhookAsync(Portal, Time, body);

    /// <summary>A sample delivery of <paramref name="installation"/>, made unique by <paramref name="marker"/>.</summary>
    protected static byte[] SampleFor(FakeInstallation installation, string sample, string marker) =>
        System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(SignedRequests.Unique(SampleDeliveries.Named(sample), marker))
            .Replace(PortalWithSentryFactory.SampleInstallation, installation.Uuid.ToString(), StringComparison.Ordinal));

    /// <summary>Sends a delivery of <paramref name="resource"/> signed as Sentry signs it, and expects it acknowledged.</summary>
    protected async Task SendDeliveryAsync(string resource, byte[] body)
    {
        using var request = SignedRequests.Webhook(resource, body, FakeSentry.ClientSecret,
            timestamp: Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Portal.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>An installation webhook signed as Sentry signs it, stamped with <paramref name="time"/>'s now.</summary>
    internal static async Task<HttpResponseMessage> SendWebhookAsync(PortalFactory portal, TimeProvider time, byte[] body)
    {
        using var request = SignedRequests.Webhook("installation", body, FakeSentry.ClientSecret,
            timestamp: time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return await portal.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    protected async Task<Installation?> FindInstallationAsync(Guid uuid)
    {
        await using var db = Portal.OpenDatabase();
        return await db.Installations.AsNoTracking().SingleOrDefaultAsync(i => i.Uuid == uuid, TestContext.Current.CancellationToken);
    }

    /// <summary>Installs through the redirect, as a user would, and returns the installation.</summary>
    protected async Task<FakeInstallation> InstallAsync(string organizationSlug = "acme", long? organizationId = null)
    {
        var installation = Sentry.AddInstallation(organizationSlug, organizationId);
        using var response = await OpenSetupLinkAsync(installation, Sentry.IssueGrant(installation));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return installation;
    }
}
