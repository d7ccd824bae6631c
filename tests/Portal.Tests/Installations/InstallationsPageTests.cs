using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Portal.Data.Entities;
using Portal.Installations;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Installations;

public sealed class InstallationsPageTests : PortalComponentTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    public InstallationsPageTests()
        : base(AddInstallationServices)
    {
    }

    private int organizations;

    private FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    private static void AddInstallationServices(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero))));
        InstallationServices.Add(services);
    }

    [Fact]
    public void Installations_are_listed_most_urgent_first_and_reauthorization_is_called_out()
    {
        Add(Installation("acme", InstallationStatus.Installed, expiresIn: TimeSpan.FromHours(2), verified: true));
        Add(Installation("globex", InstallationStatus.NeedsReauthorization, refreshError: "Sentry answered 403 to the manual token refresh: Manual token refresh is not enabled for this organization"));
        Add(Installation("initech", InstallationStatus.Pending, expiresIn: TimeSpan.FromHours(8), verificationError: "Sentry answered 403 to the installation verification."));
        Render<MudBlazor.MudPopoverProvider>();

        var cut = Render<InstallationsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["globex", "initech", "acme"], cut.FindAll("[data-testid=organization]").Select(e => e.TextContent)), Patience);
        Assert.Equal(["Needs reauthorization", "Pending", "Installed"], cut.FindAll("[data-testid=status]").Select(e => e.TextContent.Trim()));
        Assert.Contains("1 installation needs to be reauthorized", cut.Find("[data-testid=reauthorization-alert]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Manual token refresh is not enabled", cut.Find("[data-testid=refresh-error]").TextContent, StringComparison.Ordinal);
        var tokens = cut.FindAll("[data-testid=token]").Select(e => e.TextContent).ToList();
        Assert.Equal("None held", tokens[0]);
        Assert.StartsWith("Expires in 2 h 0 min", tokens[2], StringComparison.Ordinal);
        Assert.Contains("Not confirmed yet", cut.FindAll("[data-testid=verification]")[1].TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=retry-verification]"));
    }

    [Fact]
    public void Retrying_verification_while_Sentry_is_unreachable_says_why_and_leaves_the_installation_pending()
    {
        Add(Installation("initech", InstallationStatus.Pending, expiresIn: TimeSpan.FromHours(8), verificationError: "first attempt failed"));
        Render<MudBlazor.MudPopoverProvider>();
        var snackbar = Render<MudBlazor.MudSnackbarProvider>();
        var cut = Render<InstallationsPage>();
        cut.WaitForElement("[data-testid=retry-verification]", Patience);

        cut.Find("[data-testid=retry-verification]").Click();

        snackbar.WaitForAssertion(() => Assert.Contains("could not be reached", snackbar.Markup, StringComparison.Ordinal), Patience);
        cut.WaitForAssertion(() => Assert.Contains("could not be reached", cut.Find("[data-testid=verification-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal("Pending", cut.Find("[data-testid=status]").TextContent.Trim());
    }

    [Fact]
    public void Without_installations_the_page_says_how_one_appears()
    {
        var cut = Render<InstallationsPage>();

        cut.WaitForAssertion(() => Assert.Contains("Settings → Integrations", cut.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
    }

    private void Add(Installation installation)
    {
        using var db = OpenDatabase();
        db.Installations.Add(installation);
        db.SaveChanges();
    }

    private Installation Installation(
        string organization, InstallationStatus status, TimeSpan? expiresIn = null, bool verified = false,
        string? refreshError = null, string? verificationError = null)
    {
        var protector = Services.GetRequiredService<InstallationTokenProtector>();
        var now = Time.GetUtcNow();
        var organizationId = 100 + (++organizations);
        AddOrganization(organizationId, organization);
        return new Installation
        {
            Uuid = Guid.NewGuid(),
            AppSlug = "acme-portal",
            OrganizationId = organizationId,
            Status = status,
            InstalledAt = now.AddDays(-1),
            ProtectedAccessToken = expiresIn is null ? null : protector.Protect("token"),
            ProtectedRefreshToken = expiresIn is null ? null : protector.Protect("refresh"),
            TokenExpiresAt = now + expiresIn,
            LastRefreshedAt = expiresIn is null ? null : now.AddHours(-1),
            LastRefreshError = refreshError,
            VerifiedAt = verified ? now.AddDays(-1) : null,
            VerificationError = verificationError,
            NextVerificationAt = verificationError is null ? null : now.AddMinutes(5),
        };
    }
}
