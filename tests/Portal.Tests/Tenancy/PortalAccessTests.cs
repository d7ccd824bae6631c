using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data.Entities;
using Portal.Tenancy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Tenancy;

/// <summary>Who sees and changes what: Sentry organization ids from sign-in, roles from Sentry, the installations that exist now.</summary>
public sealed class PortalAccessTests : PortalComponentTest
{
    private const long Acme = 42;
    private const long Globex = 43;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("owner", true)]
    [InlineData("manager", true)]
    [InlineData("admin", true)]
    [InlineData("Manager", true)]
    [InlineData("member", false)]
    [InlineData("billing", false)]
    public async Task Roles_that_manage_integrations_in_Sentry_may_change_things_and_others_read(string role, bool manages)
    {
        Install(Acme, "acme");

        var scope = await Access.ScopeOfAsync(Member((Acme, role)), Cancel);

        Assert.True(scope.Includes(Acme));
        Assert.Equal(manages, scope.CanManage(Acme));
    }

    [Fact]
    public async Task The_roles_that_may_change_things_are_configurable()
    {
        Install(Acme, "acme");
        Services.GetRequiredService<IOptionsMonitor<AccessOptions>>().CurrentValue.ManagerRoles = ["owner"];

        var manager = await Access.ScopeOfAsync(Member((Acme, "manager")), Cancel);
        var owner = await Access.ScopeOfAsync(Member((Acme, "owner")), Cancel);

        Assert.False(manager.CanManage(Acme));
        Assert.True(owner.CanManage(Acme));
    }

    [Fact]
    public async Task A_member_without_a_role_from_Sentry_reads_and_an_organization_without_an_installation_is_not_seen()
    {
        Install(Acme, "acme");
        AddOrganization(Globex, "globex");
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "7"), new Claim(SentryClaimTypes.Organization, "42"), new Claim(SentryClaimTypes.Organization, "43")], "test"));

        var scope = await Access.ScopeOfAsync(user, Cancel);

        Assert.Equal([Acme], scope.OrganizationIds);
        Assert.False(scope.CanManage(Acme));
    }

    [Fact]
    public async Task An_uninstall_withdraws_the_organization_from_an_open_page_and_tells_it()
    {
        Install(Acme, "acme");
        Install(Globex, "globex");
        var user = Member((Acme, "owner"), (Globex, "owner"));
        var circuit = Services.GetRequiredService<CircuitAccess>();
        var lost = 0;
        circuit.Lost += () => lost++;
        await circuit.RefreshAsync(user, Cancel);

        using (var db = OpenDatabase())
        {
            await db.Installations.Where(i => i.OrganizationId == Globex)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.Status, InstallationStatus.Uninstalled), Cancel);
        }

        var scope = await circuit.RefreshAsync(user, Cancel);

        Assert.Equal(1, lost);
        Assert.False(scope.Includes(Globex));
        Assert.True(scope.Includes(Acme));
    }

    private PortalAccess Access => Services.GetRequiredService<PortalAccess>();

    private static ClaimsPrincipal Member(params (long Organization, string Role)[] memberships) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, "7"),
                .. memberships.Select(m => new Claim(SentryClaimTypes.Organization, m.Organization.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                .. memberships.Select(m => new Claim(SentryClaimTypes.OrganizationRole, SentryClaimTypes.RoleValue(m.Organization, m.Role))),
            ],
            "test"));
}
